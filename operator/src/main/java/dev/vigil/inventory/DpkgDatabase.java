package dev.vigil.inventory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a dpkg status database: {@code var/lib/dpkg/status}, or one file of the distroless {@code
 * var/lib/dpkg/status.d/} directory (one or more stanzas per file, usually without a Status field).
 *
 * <p>A package is reported when its Status says its files are on disk and configured (state {@code
 * installed}, or {@code triggers-pending}/{@code triggers-awaited}, which are installed packages
 * waiting for a trigger to run); {@code config-files}, {@code half-installed}, {@code unpacked} and
 * {@code not-installed} entries are left out. A stanza without Status counts as installed, because
 * distroless writes none. Names are plain package names without the {@code :arch} qualifier
 * dpkg-query adds for Multi-Arch: same packages; the architecture is in {@link
 * InstalledPackage#arch()}.
 *
 * <p>Stanzas without a package name or version, or with a version that breaks Debian policy syntax,
 * are skipped and reported as problems.
 */
public final class DpkgDatabase {

  /** States in which the package's files are unpacked and configured. */
  private static final Set<String> INSTALLED_STATES =
      Set.of("installed", "triggers-pending", "triggers-awaited");

  private static final Pattern SOURCE = Pattern.compile("^(\\S+)(?:\\s+\\((\\S+)\\))?$");
  private static final Pattern EPOCH = Pattern.compile("^\\d+$");
  private static final Pattern UPSTREAM = Pattern.compile("^[0-9][A-Za-z0-9.+~:-]*$");
  private static final Pattern REVISION = Pattern.compile("^[A-Za-z0-9.+~]+$");

  private DpkgDatabase() {}

  public static ParsedPackages parse(byte[] content) {
    List<InstalledPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Map<String, String>> stanzas = stanzas(new String(content, StandardCharsets.UTF_8));
    for (int i = 0; i < stanzas.size(); i++) {
      Map<String, String> stanza = stanzas.get(i);
      String where = "stanza " + (i + 1);
      String name = stanza.getOrDefault("package", "").strip();
      if (name.isEmpty()) {
        problems.add(where + " has no package name; skipped");
        continue;
      }
      where += " (" + name + ")";
      String status = stanza.get("status");
      if (status != null && !isInstalled(status)) {
        continue;
      }
      String version = stanza.getOrDefault("version", "").strip();
      if (version.isEmpty()) {
        problems.add(where + " has no version; skipped");
        continue;
      }
      String versionError = versionSyntaxError(version);
      if (versionError != null) {
        problems.add(
            where + " has invalid version '" + version + "': " + versionError + "; skipped");
        continue;
      }
      String sourceName = name;
      String sourceVersion = version;
      String source = stanza.getOrDefault("source", "").strip();
      if (!source.isEmpty()) {
        Matcher m = SOURCE.matcher(source);
        if (!m.matches()) {
          problems.add(where + " has malformed Source '" + source + "'; skipped");
          continue;
        }
        sourceName = m.group(1);
        if (m.group(2) != null) {
          sourceVersion = m.group(2);
        }
      }
      String arch = stanza.getOrDefault("architecture", "").strip();
      packages.add(
          new InstalledPackage(
              "deb", name, version, sourceName, sourceVersion, arch.isEmpty() ? null : arch, null));
    }
    return new ParsedPackages(packages, problems);
  }

  private static boolean isInstalled(String status) {
    String[] words = status.strip().split("\\s+");
    return words.length == 3 && INSTALLED_STATES.contains(words[2]);
  }

  /**
   * Checks {@code [epoch:]upstream[-revision]} as dpkg does: numeric epoch, upstream starting with
   * a digit, only the characters Debian policy allows.
   *
   * @return why the version is invalid, or null when it is valid
   */
  static String versionSyntaxError(String version) {
    String rest = version;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      if (!EPOCH.matcher(rest.substring(0, colon)).matches()) {
        return "epoch is not a number";
      }
      rest = rest.substring(colon + 1);
    }
    int dash = rest.lastIndexOf('-');
    String upstream = dash >= 0 ? rest.substring(0, dash) : rest;
    if (dash >= 0 && !REVISION.matcher(rest.substring(dash + 1)).matches()) {
      return "revision is empty or has an invalid character";
    }
    if (upstream.isEmpty() || !Character.isDigit(upstream.charAt(0))) {
      return "upstream version does not start with a digit";
    }
    if (!UPSTREAM.matcher(upstream).matches()) {
      return "upstream version has an invalid character";
    }
    return null;
  }

  /**
   * Splits deb822 text into stanzas of lower-cased field name to value. Continuation lines
   * (starting with a space or tab) are joined to the previous field with a newline.
   */
  private static List<Map<String, String>> stanzas(String text) {
    List<Map<String, String>> stanzas = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String lastField = null;
    for (String rawLine : text.split("\n", -1)) {
      String line = rawLine.endsWith("\r") ? rawLine.substring(0, rawLine.length() - 1) : rawLine;
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          stanzas.add(current);
          current = new LinkedHashMap<>();
        }
        lastField = null;
        continue;
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (lastField != null) {
          current.merge(lastField, line.strip(), (a, b) -> a + "\n" + b);
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        // Not a field: dpkg would refuse such a file; keep reading so one bad line does not
        // hide every later package, and let the stanza checks report what is missing.
        lastField = null;
        continue;
      }
      lastField = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      current.put(lastField, line.substring(colon + 1).strip());
    }
    if (!current.isEmpty()) {
      stanzas.add(current);
    }
    return stanzas;
  }
}
