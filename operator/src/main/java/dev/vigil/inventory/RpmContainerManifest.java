package dev.vigil.inventory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code var/lib/rpmmanifest/container-manifest-2}, the package list that CBL-Mariner and
 * Azure Linux distroless images ship instead of an rpm database.
 *
 * <p>One package per line, tab-separated: name, version-release, install time, build time, vendor,
 * epoch ("(none)" or a number), size, arch, a flags number, source rpm file name. Versions and
 * source names follow the same rules as {@link RpmDatabase}.
 */
public final class RpmContainerManifest {

  private static final int COLUMNS = 10;
  private static final Pattern EPOCH = Pattern.compile("^\\d+$");

  private RpmContainerManifest() {}

  public static ParsedPackages parse(byte[] content) {
    List<InstalledPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      String where = "line " + (i + 1);
      if (f.length != COLUMNS) {
        problems.add(where + " has " + f.length + " columns, expected " + COLUMNS + "; skipped");
        continue;
      }
      String name = f[0];
      String versionRelease = f[1];
      String epoch = f[5];
      if (name.isEmpty() || versionRelease.indexOf('-') <= 0) {
        problems.add(where + " has no name or no version-release; skipped");
        continue;
      }
      String epochPrefix;
      if (epoch.equals("(none)") || epoch.equals("0") || epoch.isEmpty()) {
        epochPrefix = "";
      } else if (EPOCH.matcher(epoch).matches()) {
        epochPrefix = epoch + ":";
      } else {
        problems.add(where + " (" + name + ") has invalid epoch '" + epoch + "'; skipped");
        continue;
      }
      String version = epochPrefix + versionRelease;
      String sourceName = name;
      String sourceVersion = version;
      Optional<SourceRpm> source = SourceRpm.parse(f[9]);
      if (source.isPresent()) {
        sourceName = source.get().name();
        sourceVersion = epochPrefix + source.get().version() + "-" + source.get().release();
      } else if (!f[9].isEmpty() && !f[9].equals("(none)")) {
        problems.add(
            where
                + " ("
                + name
                + "): source rpm '"
                + f[9]
                + "' is not name-version-release.src.rpm; source taken as the package itself");
      }
      String arch = f[7];
      packages.add(
          new InstalledPackage(
              "rpm",
              name,
              version,
              sourceName,
              sourceVersion,
              arch.isEmpty() || arch.equals("(none)") ? null : arch,
              null));
    }
    return new ParsedPackages(packages, problems);
  }
}
