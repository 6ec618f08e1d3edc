package dev.vigil.inventory.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The build information the Go toolchain embeds in an executable (the text {@code go version -m}
 * prints), turned into the modules Vigil reports: versions in the form OSV's Go records use (no
 * {@code v}), the toolchain as {@code stdlib}, a {@code replace}d module under its replacement,
 * and a main module built in a checkout as {@code (devel)}, which is never a version to match,
 * unless {@code -ldflags -X} set a release version.
 *
 * @param goVersion the toolchain's version string as embedded ("go1.22.1 X:loopvar")
 * @param path the main package path ("command-line-arguments" for a file list), may be empty
 * @param main the main module, null when built without one
 * @param deps the dependencies in build-info order, replacements applied
 * @param settings the {@code build} lines (key to unquoted value)
 */
record GoBuildInfo(
    String goVersion, String path, Module main, List<Module> deps, Map<String, String> settings) {

  /** A module line; {@code replaced} is the original path when a {@code =>} line replaced it. */
  record Module(String path, String version, String replaced) {}

  /** The version of a main module built in a checkout: not a release, never matched. */
  static final String DEVEL = "(devel)";

  // A release tag: go1, go1.20, go1.21.3, go1.21rc2 (a "devel" toolchain has none).
  private static final Pattern GO_RELEASE = Pattern.compile("go1(\\.\\d+){0,2}((rc|beta)\\d+)?");
  // golang.org/x/mod/module.IsPseudoVersion: vX.0.0-yyyymmddhhmmss-abcdef123456,
  // vX.Y.Z-pre.0.yyyymmddhhmmss-..., vX.Y.(Z+1)-0.yyyymmddhhmmss-...
  private static final Pattern PSEUDO =
      Pattern.compile("v?\\d+\\.\\d+\\.\\d+-(?:[^+]*\\.)?(?:0\\.)?\\d{14}-[0-9A-Za-z]+(?:\\+.*)?");
  // golang.org/x/mod/semver.IsValid (with the "v" added when missing).
  private static final Pattern SEMVER =
      Pattern.compile(
          "v?\\d+(?:\\.\\d+(?:\\.\\d+(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?"
              + "(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)?)?");

  /**
   * Parses the module text ({@code runtime/debug} format, the sentinels already cut off).
   * Lines it does not know are skipped, as the Go runtime does for forward compatibility.
   */
  static GoBuildInfo parse(String goVersion, String modinfo) {
    String path = "";
    Module main = null;
    List<Module> deps = new ArrayList<>();
    Map<String, String> settings = new LinkedHashMap<>();
    Module lastTarget = null;
    boolean lastIsMain = false;
    for (String line : modinfo.split("\n", -1)) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "path" -> path = f.length > 1 ? f[1] : "";
        case "mod" -> {
          main = module(f);
          lastTarget = main;
          lastIsMain = true;
        }
        case "dep" -> {
          Module dep = module(f);
          deps.add(dep);
          lastTarget = dep;
          lastIsMain = false;
        }
        case "=>" -> {
          if (lastTarget != null && f.length > 1) {
            Module original = lastTarget;
            String version = f.length > 2 ? f[2] : "";
            Module replacement = new Module(f[1], version, original.path());
            if (lastIsMain) {
              main = replacement;
            } else {
              deps.set(deps.size() - 1, replacement);
            }
            lastTarget = null;
          }
        }
        case "build" -> {
          if (f.length > 1) {
            String[] kv = splitSetting(line.substring("build\t".length()));
            if (kv != null) {
              settings.put(kv[0], kv[1]);
            }
          }
        }
        default -> {
          // "go" (text form only) and lines of future toolchains.
        }
      }
    }
    return new GoBuildInfo(goVersion, path, main, deps, settings);
  }

  private static Module module(String[] f) {
    return new Module(f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : "", null);
  }

  /**
   * The standard library's version from the toolchain's version string, or null for a toolchain
   * that is no release ("devel go1.23-abc ..."): "go1.22.1 X:loopvar", "go1.26.0-X:nodwarf5",
   * "go1.26.5 (Red Hat 1.26.5-1.el10)" all give "1.22.1" / "1.26.0" / "1.26.5".
   */
  static String stdlibVersion(String goVersion) {
    if (goVersion == null) {
      return null;
    }
    String v = goVersion.trim();
    for (int i = 0; i < v.length(); i++) {
      if (Character.isWhitespace(v.charAt(i))) {
        v = v.substring(0, i);
        break;
      }
    }
    int experiment = v.indexOf("-X:");
    if (experiment >= 0) {
      v = v.substring(0, experiment);
    }
    if (!GO_RELEASE.matcher(v).matches()) {
      return null;
    }
    return v.substring(2);
  }

  /** A module version as OSV's Go records write it: without the leading {@code v}. */
  static String osvVersion(String version) {
    return version.startsWith("v") ? version.substring(1) : version;
  }

  static boolean isPseudoVersion(String version) {
    return PSEUDO.matcher(version).matches();
  }

  /**
   * The main module's version: the build-info version when it is a release; otherwise a
   * release version set with {@code -ldflags -X}; otherwise what build info says (a
   * pseudo-version, or nothing). Mirrors Trivy's choice (parse_test.go ChooseMainVersion).
   */
  static String chooseMainVersion(String buildInfoVersion, String ldflagsVersion) {
    String v = buildInfoVersion == null || buildInfoVersion.equals(DEVEL) ? "" : buildInfoVersion;
    if (!v.isEmpty() && !isPseudoVersion(v)) {
      return v;
    }
    if (ldflagsVersion != null && !ldflagsVersion.isEmpty()) {
      return ldflagsVersion;
    }
    return v;
  }

  /**
   * The main module's version set with {@code -X pkg.version=...} among the linker flags, or ""
   * when there is none or no single best one. Only keys ending in {@code .version} or {@code
   * .ver} (any case) with a semantic-version value count; one under {@code <module>/cmd/} wins,
   * then one in a package named main, common, version or cmd, then any; two equally good ones
   * give none (Trivy's rules; its ParseLDFlags table pins them).
   *
   * @param flags the {@code -ldflags} value split into words
   */
  static String ldflagsVersion(String module, List<String> flags) {
    List<String> assignments = new ArrayList<>();
    for (int i = 0; i < flags.size(); i++) {
      String flag = flags.get(i);
      String body = flag.startsWith("--") ? flag.substring(1) : flag;
      if (body.equals("-X") && i + 1 < flags.size()) {
        assignments.add(flags.get(++i));
      } else if (body.startsWith("-X=")) {
        assignments.add(body.substring(3));
      }
    }
    List<String> cmd = new ArrayList<>();
    List<String> common = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (String assignment : assignments) {
      String a = unquote(assignment);
      int eq = a.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = unquote(a.substring(0, eq));
      String value = unquote(a.substring(eq + 1));
      String lower = key.toLowerCase(Locale.ROOT);
      if (!(lower.endsWith(".version") || lower.endsWith(".ver"))
          || !SEMVER.matcher(value).matches()) {
        continue;
      }
      String pkg = key.substring(0, key.lastIndexOf('.'));
      String lastElement = pkg.substring(pkg.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
      if (module != null && !module.isEmpty() && key.startsWith(module + "/cmd/")) {
        cmd.add(value);
      } else if (List.of("main", "common", "version", "cmd").contains(lastElement)) {
        common.add(value);
      } else {
        other.add(value);
      }
    }
    for (List<String> tier : List.of(cmd, common, other)) {
      if (tier.size() == 1) {
        return tier.get(0);
      }
      if (tier.size() > 1) {
        return "";
      }
    }
    return "";
  }

  /**
   * Splits a build setting's value into words as the go command quotes them
   * (cmd/internal/quoted: blanks separate, single or double quotes group).
   */
  static List<String> splitFlags(String value) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  private static String unquote(String s) {
    String t = s;
    while (!t.isEmpty() && (t.charAt(0) == '\'' || t.charAt(0) == '"')) {
      t = t.substring(1);
    }
    while (!t.isEmpty() && (t.endsWith("'") || t.endsWith("\""))) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  /** "key=value" of a build line, either side possibly a Go-quoted string; null if malformed. */
  private static String[] splitSetting(String s) {
    String key;
    int rest;
    if (s.startsWith("\"")) {
      int end = closingQuote(s, 0);
      if (end < 0) {
        return null;
      }
      key = goUnquote(s.substring(0, end + 1));
      rest = end + 1;
    } else {
      int eq = s.indexOf('=');
      if (eq < 0) {
        return null;
      }
      key = s.substring(0, eq);
      rest = eq;
    }
    if (rest >= s.length() || s.charAt(rest) != '=') {
      return null;
    }
    String value = s.substring(rest + 1);
    if (value.startsWith("\"")) {
      value = goUnquote(value);
    }
    return key == null || value == null ? null : new String[] {key, value};
  }

  private static int closingQuote(String s, int open) {
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return -1;
  }

  /** strconv.Unquote for the escapes strconv.Quote writes; null when not a quoted string. */
  static String goUnquote(String s) {
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= s.length() - 1) {
        return null;
      }
      char e = s.charAt(i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case '\\', '"', '\'' -> out.append(e);
        case 'x', 'u', 'U' -> {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + digits >= s.length()) {
            return null;
          }
          try {
            out.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + digits), 16));
          } catch (IllegalArgumentException bad) {
            return null;
          }
          i += digits;
        }
        default -> {
          return null;
        }
      }
    }
    return out.toString();
  }
}
