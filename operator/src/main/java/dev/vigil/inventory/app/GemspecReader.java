package dev.vigil.inventory.app;

import dev.vigil.inventory.ApplicationPackage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installed Ruby gems (RubyGems) from the specs RubyGems writes when it installs a gem: {@code
 * specifications/*.gemspec} of any gem home ({@code usr/local/bundle}, {@code
 * usr/lib/ruby/gems/3.2.0}, {@code var/lib/gems/3.1.0}, {@code vendor/bundle/ruby/3.2.0}), and
 * the default gems of the Ruby install in {@code specifications/default/} (net-imap, erb,
 * webrick...: real files with real advisories; after Bundler installs a newer copy the old default
 * spec stays, and is reported, zammad #6258).
 *
 * <p>The spec is Ruby; it is not evaluated. Inside the {@code Gem::Specification.new do |s|} block
 * the reader takes {@code s.name = "x"} and {@code s.version = "y"} (the block variable as the
 * file names it, quotes single or double, {@code .freeze} and a trailing comment allowed), or a
 * constant assigned a string literal in the same file. The {@code # stub:} comment line is not
 * used: it can disagree with {@code s.version} (syft's unbundler fixture), and the assignment is
 * what RubyGems loads. Gemfile.lock is not read (a lock file: what was resolved, not what is
 * installed).
 */
public final class GemspecReader implements LanguagePackageReader {

  public static final String ECOSYSTEM = "RubyGems";

  /** Generated specs are a few KiB; a long description list stays far below this. */
  static final long MAX_BYTES = 1024L * 1024;

  private static final Pattern BLOCK =
      Pattern.compile("Gem::Specification\\.new\\s*(?:\\(\\s*\\))?\\s*(?:do|\\{)\\s*\\|\\s*(\\w+)\\s*\\|");

  // "x", 'x', "x".freeze, a CONSTANT; then only a comment may follow on the line
  private static final Pattern VALUE =
      Pattern.compile(
          "\\s*(?:\"([^\"\\\\]*)\"|'([^'\\\\]*)'|([A-Z][A-Za-z0-9_]*(?:::[A-Z][A-Za-z0-9_]*)*))"
              + "(?:\\.freeze)?\\s*(?:#.*)?");

  @Override
  public String name() {
    return "gemspec";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    if (!path.endsWith(".gemspec") || ManifestInput.fileName(path).equals(".gemspec")) {
      return false;
    }
    String parent = ManifestInput.parentName(path, 1);
    return parent.equals("specifications")
        || (parent.equals("default") && ManifestInput.parentName(path, 2).equals("specifications"));
  }

  @Override
  public PackageEvidence read(String path, InputStream content, long size) throws IOException {
    String shown = ManifestInput.shown(path);
    if (size > MAX_BYTES) {
      return ManifestInput.problem(ManifestInput.overCap(path, size, MAX_BYTES, "gemspec"));
    }
    byte[] bytes = ManifestInput.readAtMost(content, MAX_BYTES);
    if (bytes == null) {
      return ManifestInput.problem(ManifestInput.overCap(path, MAX_BYTES + 1, MAX_BYTES, "gemspec"));
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return ManifestInput.problem(shown + ": gemspec is empty; no gem listed");
    }
    Matcher block = BLOCK.matcher(text);
    if (!block.find()) {
      return ManifestInput.problem(
          shown + ": gemspec has no Gem::Specification.new block; no gem listed");
    }
    String variable = block.group(1);
    String body = text.substring(block.end());
    String name = attribute(text, body, variable, "name");
    String version = attribute(text, body, variable, "version");
    if (name == null || version == null) {
      return ManifestInput.problem(
          shown + ": gemspec has no readable " + variable + "."
              + (name == null ? "name" : "version")
              + " = \"...\" assignment; no gem listed");
    }
    if (name.isBlank()) {
      return ManifestInput.problem(shown + ": gemspec has an empty name; no gem listed");
    }
    if (version.isBlank()) {
      return ManifestInput.problem(shown + ": gem " + name + " has an empty version; not listed");
    }
    return new PackageEvidence(
        List.of(new ApplicationPackage(ECOSYSTEM, name.trim(), version.trim(), shown, null)),
        List.of());
  }

  /** The string assigned to {@code variable.attribute} in the block, or null. */
  private static String attribute(String text, String body, String variable, String attribute) {
    Matcher assignment =
        Pattern.compile(
                "^[ \\t]*" + Pattern.quote(variable) + "\\." + attribute + "[ \\t]*=(?!=)(.*)$",
                Pattern.MULTILINE)
            .matcher(body);
    if (!assignment.find()) {
      return null;
    }
    Matcher value = VALUE.matcher(assignment.group(1));
    if (!value.matches()) {
      return null;
    }
    if (value.group(1) != null) {
      return value.group(1);
    }
    if (value.group(2) != null) {
      return value.group(2);
    }
    return constant(text, value.group(3));
  }

  /** A constant's string value when the file assigns it a literal ({@code VERSION = '3.0.0'}). */
  private static String constant(String text, String qualified) {
    String simple = qualified.substring(qualified.lastIndexOf(':') + 1);
    Matcher m =
        Pattern.compile(
                "^[ \\t]*" + Pattern.quote(simple)
                    + "[ \\t]*=[ \\t]*(?:\"([^\"\\\\]*)\"|'([^'\\\\]*)')(?:\\.freeze)?[ \\t]*(?:#.*)?$",
                Pattern.MULTILINE)
            .matcher(text);
    if (!m.find()) {
      return null;
    }
    return m.group(1) != null ? m.group(1) : m.group(2);
  }
}
