package dev.vigil.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a WWW-Authenticate header (RFC 7235): a scheme ("bearer", "basic", lower
 * case) and its parameters (names lower case). Registries send
 * {@code Bearer realm="https://auth.example/token",service="registry.example",scope="..."}.
 *
 * @param scheme lower-case auth scheme
 * @param parameters auth parameters by lower-case name
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {

  AuthChallenge {
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  String parameter(String name) {
    return parameters.get(name);
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  /** The same challenge without the per-request "scope" and "error" parameters. */
  AuthChallenge withoutRequestDetails() {
    Map<String, String> copy = new LinkedHashMap<>(parameters);
    copy.remove("scope");
    copy.remove("error");
    copy.remove("error_description");
    return new AuthChallenge(scheme, copy);
  }

  /** The challenge to answer among all header values: Bearer when offered, else Basic. */
  static Optional<AuthChallenge> choose(List<String> headerValues) {
    AuthChallenge basic = null;
    for (String value : headerValues) {
      for (AuthChallenge challenge : parse(value)) {
        if (challenge.isBearer() && challenge.parameter("realm") != null) {
          return Optional.of(challenge);
        }
        if (challenge.isBasic() && basic == null) {
          basic = challenge;
        }
      }
    }
    return Optional.ofNullable(basic);
  }

  /** All challenges in one header value; malformed trailing parts are ignored. */
  static List<AuthChallenge> parse(String header) {
    List<AuthChallenge> challenges = new ArrayList<>();
    Parser p = new Parser(header);
    while (true) {
      p.skipSeparators();
      String scheme = p.token();
      if (scheme == null) {
        break;
      }
      Map<String, String> params = new LinkedHashMap<>();
      while (true) {
        p.skipSpaces();
        int mark = p.pos;
        String name = p.token();
        if (name == null) {
          break;
        }
        p.skipSpaces();
        if (!p.consume('=')) {
          // A bare token is the next challenge's scheme (or a token68 we do not use).
          p.pos = mark;
          break;
        }
        p.skipSpaces();
        String value = p.peek() == '"' ? p.quoted() : p.token();
        params.put(name.toLowerCase(Locale.ROOT), value == null ? "" : value);
        p.skipSpaces();
        if (!p.consume(',')) {
          break;
        }
      }
      challenges.add(new AuthChallenge(scheme.toLowerCase(Locale.ROOT), params));
    }
    return challenges;
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s == null ? "" : s;
    }

    char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    boolean consume(char c) {
      if (peek() == c) {
        pos++;
        return true;
      }
      return false;
    }

    void skipSpaces() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    void skipSeparators() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
        pos++;
      }
    }

    /** An RFC 7230 token (plus '/' which some realms leave unquoted), or null. */
    String token() {
      int start = pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~/:".indexOf(c) >= 0) {
          pos++;
        } else {
          break;
        }
      }
      return pos > start ? s.substring(start, pos) : null;
    }

    String quoted() {
      StringBuilder value = new StringBuilder();
      pos++; // opening quote
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '\\' && pos < s.length()) {
          value.append(s.charAt(pos++));
        } else if (c == '"') {
          return value.toString();
        } else {
          value.append(c);
        }
      }
      return value.toString();
    }
  }
}
