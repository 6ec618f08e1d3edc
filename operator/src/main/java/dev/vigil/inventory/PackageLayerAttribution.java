package dev.vigil.inventory;

import dev.vigil.image.CapturedFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds, for each package of a database's final version, the layer that introduced it at its
 * current version: the earliest layer from which the package has been in the database with that
 * same version without interruption.
 *
 * <p>Walks the database's earlier versions from newest to oldest (only layers that rewrote the file
 * have a version; the file is unchanged in between) and moves each package's layer back as long as
 * the older version still lists it identically. A package is identified by name, architecture and
 * version, so several installed versions of one package (rpm kernels) are followed separately. An
 * older version that cannot be parsed ends the walk there and is reported: attribution then names a
 * later layer than the true one, never an earlier one.
 */
final class PackageLayerAttribution {

  private PackageLayerAttribution() {}

  /**
   * @param finalVersion the database as the final view has it
   * @param finalPackages what it lists
   * @param history every version of the database path, base first (from {@code
   *     ImageFiles.history}); versions at or above the final version's layer are ignored
   * @param parser how to read an older version
   * @param problems receives one sentence per older version that could not be read
   * @return {@code finalPackages} with their introducing layer set, in the same order
   */
  static List<InstalledPackage> attribute(
      CapturedFile finalVersion,
      List<InstalledPackage> finalPackages,
      List<CapturedFile> history,
      Function<byte[], ParsedPackages> parser,
      List<String> problems) {
    Map<String, String> layerByKey = new HashMap<>();
    Set<String> stillPresent = new HashSet<>();
    for (InstalledPackage p : finalPackages) {
      layerByKey.put(key(p), finalVersion.layerDigest());
      stillPresent.add(key(p));
    }
    List<CapturedFile> older =
        history.stream()
            .filter(h -> h.layerIndex() < finalVersion.layerIndex())
            .sorted(Comparator.comparingInt(CapturedFile::layerIndex).reversed())
            .toList();
    byte[] newerContent = finalVersion.content();
    Set<String> newerKeys = Set.copyOf(stillPresent);
    for (CapturedFile version : older) {
      if (stillPresent.isEmpty()) {
        break;
      }
      Set<String> keys;
      if (Arrays.equals(version.content(), newerContent)) {
        keys = newerKeys; // rewritten unchanged: no need to parse the same bytes again
      } else if (version.truncated()) {
        problems.add(
            "version in layer "
                + version.layerIndex()
                + " is larger than the capture limit; layer attribution stops there");
        break;
      } else {
        ParsedPackages parsed;
        try {
          parsed = parser.apply(version.content());
        } catch (RuntimeException e) {
          problems.add(
              "version in layer "
                  + version.layerIndex()
                  + " is unreadable ("
                  + e.getMessage()
                  + "); layer attribution stops there");
          break;
        }
        if (parsed.packages().isEmpty() && !parsed.problems().isEmpty()) {
          problems.add(
              "version in layer "
                  + version.layerIndex()
                  + " is unreadable ("
                  + parsed.problems().get(0)
                  + "); layer attribution stops there");
          break;
        }
        keys = new HashSet<>();
        for (InstalledPackage p : parsed.packages()) {
          keys.add(key(p));
        }
      }
      stillPresent.retainAll(keys);
      for (String key : stillPresent) {
        layerByKey.put(key, version.layerDigest());
      }
      newerContent = version.content();
      newerKeys = keys;
    }
    List<InstalledPackage> attributed = new ArrayList<>(finalPackages.size());
    for (InstalledPackage p : finalPackages) {
      attributed.add(
          new InstalledPackage(
              p.type(),
              p.name(),
              p.version(),
              p.sourceName(),
              p.sourceVersion(),
              p.arch(),
              layerByKey.get(key(p))));
    }
    return attributed;
  }

  private static String key(InstalledPackage p) {
    return p.name() + '\0' + p.arch() + '\0' + p.version();
  }
}
