package dev.vigil.inventory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the apk installed database, {@code lib/apk/db/installed} (Alpine, Wolfi, Chainguard).
 *
 * <p>One stanza per package, stanzas separated by blank lines, each line a one-letter key, a colon
 * and a value. Used keys: {@code P} name, {@code V} version, {@code A} architecture, {@code o}
 * origin (the source package; the name when absent). The source version is the package version: apk
 * builds every subpackage of an origin at the origin's version.
 */
public final class ApkDatabase {

  private ApkDatabase() {}

  public static ParsedPackages parse(byte[] content) {
    List<InstalledPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<Character, String> stanza = new HashMap<>();
    int stanzaNumber = 0;
    for (String rawLine : (new String(content, StandardCharsets.UTF_8) + "\n").split("\n", -1)) {
      String line = rawLine.endsWith("\r") ? rawLine.substring(0, rawLine.length() - 1) : rawLine;
      if (line.isBlank()) {
        if (!stanza.isEmpty()) {
          stanzaNumber++;
          addPackage(stanza, stanzaNumber, packages, problems);
          stanza = new HashMap<>();
        }
        continue;
      }
      if (line.length() >= 2 && line.charAt(1) == ':') {
        char key = line.charAt(0);
        if (key == 'P' && stanza.containsKey('P')) {
          // A missing blank line between two packages: apk would not write this. Keep the
          // first, and say that the second was lost.
          problems.add(
              "stanza "
                  + (stanzaNumber + 1)
                  + " names two packages ("
                  + stanza.get('P')
                  + ", "
                  + line.substring(2).strip()
                  + "); the second is skipped");
          continue;
        }
        // Keys repeat (F:/R: file lists); only single-valued keys are read, first one wins.
        stanza.putIfAbsent(key, line.substring(2).strip());
      }
    }
    return new ParsedPackages(packages, problems);
  }

  private static void addPackage(
      Map<Character, String> stanza,
      int stanzaNumber,
      List<InstalledPackage> packages,
      List<String> problems) {
    String name = stanza.getOrDefault('P', "");
    if (name.isEmpty()) {
      problems.add("stanza " + stanzaNumber + " has no package name (P:); skipped");
      return;
    }
    String version = stanza.getOrDefault('V', "");
    if (version.isEmpty()) {
      problems.add("stanza " + stanzaNumber + " (" + name + ") has no version (V:); skipped");
      return;
    }
    String origin = stanza.getOrDefault('o', "");
    String arch = stanza.getOrDefault('A', "");
    packages.add(
        new InstalledPackage(
            "apk",
            name,
            version,
            origin.isEmpty() ? name : origin,
            version,
            arch.isEmpty() ? null : arch,
            null));
  }
}
