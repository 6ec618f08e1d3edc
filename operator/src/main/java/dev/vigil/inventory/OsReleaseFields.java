package dev.vigil.inventory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the KEY=value assignments of an os-release(5) style file ({@code etc/os-release}, {@code
 * usr/lib/os-release}, {@code etc/lsb-release}).
 *
 * <p>The format is a restricted shell script. Values may be unquoted, single-quoted or
 * double-quoted; inside double quotes the shell escapes {@code \" \\ \$ \`} apply. The parser is
 * tolerant on purpose: lines that are not assignments (comments, blank lines, stray text such as a
 * captured shell prompt) are ignored, because images in the wild carry hand-edited files.
 */
public final class OsReleaseFields {

  private static final Pattern ASSIGNMENT = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=.*$");

  private OsReleaseFields() {}

  /** The assignments in file order; a later assignment of the same key wins, as in a shell. */
  public static Map<String, String> parse(byte[] content) {
    Map<String, String> fields = new LinkedHashMap<>();
    String text = new String(content, StandardCharsets.UTF_8);
    for (String rawLine : text.split("\n", -1)) {
      String line = rawLine.strip();
      if (!ASSIGNMENT.matcher(line).matches()) {
        continue;
      }
      int eq = line.indexOf('=');
      fields.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
    }
    return fields;
  }

  private static String unquote(String raw) {
    StringBuilder value = new StringBuilder(raw.length());
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == '"') {
        i++;
        while (i < raw.length() && raw.charAt(i) != '"') {
          char d = raw.charAt(i);
          if (d == '\\' && i + 1 < raw.length() && "\"\\$`".indexOf(raw.charAt(i + 1)) >= 0) {
            value.append(raw.charAt(i + 1));
            i += 2;
          } else {
            value.append(d);
            i++;
          }
        }
        i++; // closing quote (or end of line when it is missing)
      } else if (c == '\'') {
        int end = raw.indexOf('\'', i + 1);
        if (end < 0) {
          end = raw.length();
        }
        value.append(raw, i + 1, end);
        i = end + 1;
      } else if (c == '\\' && i + 1 < raw.length()) {
        value.append(raw.charAt(i + 1));
        i += 2;
      } else if (Character.isWhitespace(c)) {
        // An unquoted blank ends the value in the shell; the rest is a comment or garbage.
        break;
      } else {
        value.append(c);
        i++;
      }
    }
    return value.toString();
  }
}
