package dev.vigil.inventory.app;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A META-INF/MANIFEST.MF read leniently: jars in the wild break the JAR specification (bare CR
 * line ends, junk between sections, continuation lines that continue nothing), and a lenient
 * reader must still find the main section instead of giving up as java.util.jar.Manifest does.
 *
 * @param main the main section's attributes, keys as written, in order
 * @param sections the per-entry sections ("Name: org/apache/xerces/xni/" ...), which describe
 *     packages inside the jar, not the jar, so identification never reads them
 */
public record JavaManifest(Map<String, String> main, List<Map<String, String>> sections) {

  public JavaManifest {
    main = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(main));
    sections = sections.stream().map(s -> java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(s))).toList();
  }

  /** The main-section value for a key, matched case-insensitively as the JAR spec says. */
  public String get(String key) {
    for (Map.Entry<String, String> e : main.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  public static JavaManifest parse(byte[] bytes) {
    return parse(new String(bytes, StandardCharsets.UTF_8));
  }

  public static JavaManifest parse(String text) {
    return parse(text, false);
  }

  /**
   * Only the main section: signed jars list a digest per class in the sections after it
   * (bcprov's manifest is 800 KiB), and identification never reads those.
   */
  public static JavaManifest parseMainSection(byte[] bytes) {
    return parse(new String(bytes, StandardCharsets.UTF_8), true);
  }

  private static JavaManifest parse(String text, boolean mainOnly) {
    // mainOnly: splitLines stops at the main section's end
    List<String> lines = splitLines(text, mainOnly);
    Map<String, String> main = new LinkedHashMap<>();
    List<Map<String, String>> sections = new ArrayList<>();
    Map<String, String> current = main;
    String lastKey = null;
    StringBuilder continued = new StringBuilder();
    boolean sawBlank = false;
    for (String line : lines) {
      if (line.isEmpty()) {
        flush(current, lastKey, continued);
        sawBlank = true;
        lastKey = null;
        continue;
      }
      if (line.startsWith(" ")) {
        // A continuation after a blank line or a junk line continues nothing: dropped, not fatal.
        if (lastKey != null) {
          continued.append(line, 1, line.length());
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue; // junk: skipped, a continuation after it still continues the last value
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      flush(current, lastKey, continued);
      if (key.isEmpty() || key.contains(" ")) {
        lastKey = null;
        continue;
      }
      if (sawBlank && (current != main || !main.isEmpty())) {
        current = new LinkedHashMap<>();
        sections.add(current);
      }
      sawBlank = false;
      current.put(key, value);
      lastKey = key;
    }
    flush(current, lastKey, continued);
    sections.removeIf(Map::isEmpty);
    return new JavaManifest(main, sections);
  }

  private static void flush(Map<String, String> section, String key, StringBuilder continued) {
    if (key != null && continued.length() > 0) {
      section.merge(key, continued.toString(), String::concat);
    }
    continued.setLength(0);
  }

  private static List<String> splitLines(String text, boolean mainOnly) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        if (mainOnly && i == start && !lines.isEmpty()) {
          return lines; // the first blank line after the main section's lines ends it
        }
        lines.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < text.length()) {
      lines.add(text.substring(start));
    }
    return lines;
  }
}
