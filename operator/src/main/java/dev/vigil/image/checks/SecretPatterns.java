package dev.vigil.image.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises secret values by their shape, wherever they appear: issuers put fixed prefixes into
 * their tokens precisely so that scanners can find them with few false positives.
 */
final class SecretPatterns {

  /**
   * One secret found in a text.
   *
   * @param kind what it is, for evidence ("GitHub token")
   * @param start first character of the secret value
   * @param end one past its last character
   */
  record Match(String kind, int start, int end) {}

  private record Rule(String kind, Pattern pattern, int group) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule("AWS access key id", Pattern.compile("\\b((?:AKIA|ASIA)[0-9A-Z]{16})\\b"), 1),
          new Rule("GitHub token", Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{36,255})\\b"), 1),
          new Rule("GitHub token", Pattern.compile("\\b(github_pat_[A-Za-z0-9_]{82})\\b"), 1),
          new Rule("GitLab token", Pattern.compile("\\b(glpat-[A-Za-z0-9_-]{20,})"), 1),
          new Rule("Slack token", Pattern.compile("\\b(xox[abposr]-[A-Za-z0-9-]{10,})"), 1),
          new Rule(
              "Slack webhook",
              Pattern.compile("hooks\\.slack\\.com/services/(T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+)"),
              1),
          new Rule("Google API key", Pattern.compile("\\b(AIza[0-9A-Za-z_-]{35})"), 1),
          new Rule("Stripe live key", Pattern.compile("\\b([sr]k_live_[0-9A-Za-z]{24,})"), 1),
          new Rule("npm token", Pattern.compile("\\b(npm_[A-Za-z0-9]{36})\\b"), 1),
          new Rule(
              "JSON Web Token",
              Pattern.compile(
                  "\\b(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,})"),
              1),
          new Rule(
              "private key",
              Pattern.compile(
                  "(-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY(?: BLOCK)?-----"
                      + "(?:.*?-----END (?:[A-Z0-9]+ )?PRIVATE KEY(?: BLOCK)?-----|.*))",
                  Pattern.DOTALL),
              1));

  /**
   * user:password@ in a URL; the password must be a literal (not "$TOKEN"). The scheme is bounded
   * so that long dotted words are not rescanned from every position.
   */
  private static final Pattern URL_CREDENTIALS =
      Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]{0,31}://[^/\\s:@'\"]+:([^/\\s@'\"]+)@");

  private SecretPatterns() {}

  /** Every secret in the text, by position. */
  static List<Match> find(String text) {
    List<Match> matches = new ArrayList<>();
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(text);
      while (m.find()) {
        matches.add(new Match(rule.kind(), m.start(rule.group()), m.end(rule.group())));
      }
    }
    Matcher m = URL_CREDENTIALS.matcher(text);
    while (m.find()) {
      if (SecretNames.isLiteralValue(m.group(1))) {
        matches.add(new Match("credentials in URL", m.start(1), m.end(1)));
      }
    }
    matches.sort((a, b) -> Integer.compare(a.start(), b.start()));
    return matches;
  }

  /** The kinds of secret in a text, each once, in order of first appearance; empty if none. */
  static List<String> kinds(String text) {
    return find(text).stream().map(Match::kind).distinct().toList();
  }
}
