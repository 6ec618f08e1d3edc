package dev.vigil.inventory;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a source rpm file name, {@code name-version-release.src.rpm} (or {@code
 * .nosrc.rpm}). Name may contain dashes; version and release may not, so the split is from the
 * right.
 */
record SourceRpm(String name, String version, String release) {

  private static final Pattern FILE_NAME =
      Pattern.compile("^(.+)-([^-]+)-([^-]+)\\.(?:no)?src\\.rpm$");

  static Optional<SourceRpm> parse(String fileName) {
    Matcher m = FILE_NAME.matcher(fileName);
    return m.matches()
        ? Optional.of(new SourceRpm(m.group(1), m.group(2), m.group(3)))
        : Optional.empty();
  }
}
