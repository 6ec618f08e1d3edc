package dev.vigil.registry;

import java.util.List;
import java.util.Locale;

/** Finds the rel="next" target in HTTP Link headers (RFC 8288), as registries paginate. */
final class LinkHeader {

  private LinkHeader() {}

  /** The URI reference of the first rel="next" link, or null. */
  static String next(List<String> headerValues) {
    for (String value : headerValues) {
      int pos = 0;
      while (true) {
        int open = value.indexOf('<', pos);
        if (open < 0) {
          break;
        }
        int close = value.indexOf('>', open + 1);
        if (close < 0) {
          break;
        }
        String target = value.substring(open + 1, close).trim();
        int nextOpen = value.indexOf('<', close + 1);
        String params = value.substring(close + 1, nextOpen < 0 ? value.length() : nextOpen);
        for (String param : params.split(";")) {
          String p = param.trim().replace(",", "").toLowerCase(Locale.ROOT);
          if (p.startsWith("rel=")) {
            String rel = p.substring(4).replace("\"", "").trim();
            for (String r : rel.split("\\s+")) {
              if (r.equals("next")) {
                return target;
              }
            }
          }
        }
        pos = close + 1;
      }
    }
    return null;
  }
}
