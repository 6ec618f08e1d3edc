package dev.vigil.image.checks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets in a build step's command line (history created_by) and produces a redacted,
 * shortened copy fit for evidence. Build args show up as "|2 NAME=value NAME2=value /bin/sh -c ..."
 * (legacy builder and BuildKit), ENV/ARG steps as "ENV NAME=value", and RUN commands hold whatever
 * the author typed.
 */
final class CommandSecrets {

  static final String REDACTED = "<redacted>";

  /** Evidence keeps at most this much of a command. */
  static final int MAX_COMMAND_CHARS = 200;

  /**
   * Secrets found in one command.
   *
   * @param kinds what was found (variable names, token kinds), each once, in order
   * @param redacted the command with every secret value replaced by {@link #REDACTED}, whitespace
   *     collapsed, shortened (around the first redaction when there is one); safe to show even when
   *     nothing was found
   */
  record Result(List<String> kinds, String redacted) {
    boolean found() {
      return !kinds.isEmpty();
    }
  }

  private record Span(String kind, int start, int end) {}

  /**
   * NAME=value. The look-behind lets a name start only where no name character precedes, so a long
   * run of name characters is scanned once, not once per position (hostile history lines can be
   * long).
   */
  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "(?<![A-Za-z0-9_$.-])([A-Za-z_][A-Za-z0-9_.-]*)=(\"[^\"]*\"|'[^']*'|[^\\s;&|'\"]*)");

  private static final Pattern CURL_USER =
      Pattern.compile(
          "\\bcurl\\b[^;&|\\n]*?\\s(?:-u|--user)(?:\\s+|=)['\"]?[^\\s:'\"]+:([^\\s'\"]+)");

  /** --password=x, --db-password x, --api-key=x, --token x (command options, not variables). */
  private static final Pattern CREDENTIAL_OPTION =
      Pattern.compile(
          "--(?:[A-Za-z0-9]+-)*(?:password|passwd|token|api-key)(?:=|\\s+)['\"]?([^\\s'\"-][^\\s'\"]*)");

  private static final Pattern SSHPASS = Pattern.compile("\\bsshpass\\s+-p\\s*['\"]?([^\\s'\"]+)");

  private static final Pattern CHPASSWD =
      Pattern.compile("\\becho\\s+['\"]?[^\\s:'\"]+:([^\\s'\"|]+)['\"]?\\s*\\|\\s*chpasswd\\b");

  private CommandSecrets() {}

  static Result scan(String command) {
    List<Span> spans = new ArrayList<>();
    for (SecretPatterns.Match m : SecretPatterns.find(command)) {
      spans.add(new Span(m.kind(), m.start(), m.end()));
    }
    Matcher a = ASSIGNMENT.matcher(command);
    while (a.find()) {
      String value = a.group(2);
      if (SecretNames.isSecretName(a.group(1)) && SecretNames.isLiteralValue(value)) {
        int start = a.start(2);
        int end = a.end(2);
        if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
          start++;
          end--;
        }
        spans.add(new Span(a.group(1), start, end));
      }
    }
    addLiteralGroup(spans, CURL_USER, command, "curl credentials");
    addLiteralGroup(spans, CREDENTIAL_OPTION, command, "credential option");
    addLiteralGroup(spans, SSHPASS, command, "sshpass password");
    addLiteralGroup(spans, CHPASSWD, command, "chpasswd password");
    spans.sort((x, y) -> Integer.compare(x.start(), y.start()));
    Set<String> kinds = new LinkedHashSet<>();
    for (Span s : spans) {
      kinds.add(s.kind());
    }
    return new Result(List.copyOf(kinds), shorten(redact(command, spans)));
  }

  private static void addLiteralGroup(List<Span> spans, Pattern p, String text, String kind) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      if (SecretNames.isLiteralValue(m.group(1))) {
        spans.add(new Span(kind, m.start(1), m.end(1)));
      }
    }
  }

  /** Replaces the union of the (sorted, possibly overlapping) spans. */
  private static String redact(String text, List<Span> spans) {
    StringBuilder out = new StringBuilder();
    int pos = 0;
    for (Span s : spans) {
      if (s.end() <= pos) {
        continue;
      }
      if (s.start() >= pos) {
        out.append(text, pos, s.start()).append(REDACTED);
      }
      pos = s.end();
    }
    out.append(text.substring(pos));
    return out.toString();
  }

  /** Whitespace collapsed; long commands cut to a window that shows the first redaction. */
  private static String shorten(String redacted) {
    String text = redacted.replaceAll("\\s+", " ").strip();
    if (text.length() <= MAX_COMMAND_CHARS) {
      return text;
    }
    int first = Math.max(0, text.indexOf(REDACTED));
    int start = Math.max(0, Math.min(first - 60, text.length() - MAX_COMMAND_CHARS));
    int end = Math.min(text.length(), start + MAX_COMMAND_CHARS);
    return (start > 0 ? "…" : "") + text.substring(start, end) + (end < text.length() ? "…" : "");
  }
}
