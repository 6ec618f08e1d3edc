package dev.vigil.vulndb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened while loading a snapshot. Everything skipped is counted here; nothing is
 * dropped silently.
 *
 * @param documents documents the source delivered
 * @param records records in the snapshot (parsed, not withdrawn, not superseded duplicates)
 * @param indexedPackages affected-package entries the matcher can use
 * @param unreadableEntries source entries that could not be read (corrupt zip entry, I/O error)
 * @param malformedRecords documents that are not valid OSV records
 * @param withdrawnRecords records skipped because they are withdrawn
 * @param duplicateRecords records skipped because a record with the same id and a later (or
 *     equal) modification time was already loaded
 * @param unknownEcosystemEntries affected entries of ecosystems without a known version order
 * @param invalidVersionEntries affected entries skipped because a range holds a version string
 *     the ecosystem's scheme rejects (or an absurdly long one), or an event is malformed
 * @param invalidListedVersions entries of explicit "versions" lists dropped as absurd
 * @param entriesWithoutPackage affected entries without a package (e.g. only a GIT range)
 * @param entriesWithoutUsableRange affected entries with neither an ECOSYSTEM/SEMVER range nor
 *     a versions list (e.g. GIT ranges only), which no installed package can be matched against
 * @param unknownEcosystems how many entries each unknown ecosystem had (first 50 names)
 * @param samples the first problems in detail, "origin: message" (at most 100)
 * @param sourceWarnings problems the source reported without failing (stale cache in use)
 */
public record LoadReport(
    long documents,
    long records,
    long indexedPackages,
    long unreadableEntries,
    long malformedRecords,
    long withdrawnRecords,
    long duplicateRecords,
    long unknownEcosystemEntries,
    long invalidVersionEntries,
    long invalidListedVersions,
    long entriesWithoutPackage,
    long entriesWithoutUsableRange,
    Map<String, Long> unknownEcosystems,
    List<String> samples,
    List<String> sourceWarnings) {

  public LoadReport {
    unknownEcosystems = Map.copyOf(unknownEcosystems);
    samples = List.copyOf(samples);
    sourceWarnings = List.copyOf(sourceWarnings);
  }

  /** Problems with the data (withdrawn and superseded records are not problems). */
  public long problemCount() {
    return unreadableEntries
        + malformedRecords
        + unknownEcosystemEntries
        + invalidVersionEntries
        + invalidListedVersions;
  }

  /** Mutable counters filled during one load. */
  static final class Builder {
    private static final int MAX_SAMPLES = 100;
    private static final int MAX_ECOSYSTEM_NAMES = 50;

    long documents;
    long records;
    long indexedPackages;
    long unreadableEntries;
    long malformedRecords;
    long withdrawnRecords;
    long duplicateRecords;
    long unknownEcosystemEntries;
    long invalidVersionEntries;
    long invalidListedVersions;
    long entriesWithoutPackage;
    long entriesWithoutUsableRange;
    private final Map<String, Long> unknownEcosystems = new TreeMap<>();
    private final List<String> samples = new ArrayList<>();
    private List<String> sourceWarnings = List.of();

    void sample(String origin, String message) {
      if (samples.size() < MAX_SAMPLES) {
        samples.add(origin + ": " + message);
      }
    }

    void unknownEcosystem(String ecosystem) {
      unknownEcosystemEntries++;
      if (unknownEcosystems.containsKey(ecosystem)
          || unknownEcosystems.size() < MAX_ECOSYSTEM_NAMES) {
        unknownEcosystems.merge(ecosystem, 1L, Long::sum);
      }
    }

    void sourceWarnings(List<String> warnings) {
      this.sourceWarnings = List.copyOf(warnings);
    }

    LoadReport build() {
      return new LoadReport(
          documents,
          records,
          indexedPackages,
          unreadableEntries,
          malformedRecords,
          withdrawnRecords,
          duplicateRecords,
          unknownEcosystemEntries,
          invalidVersionEntries,
          invalidListedVersions,
          entriesWithoutPackage,
          entriesWithoutUsableRange,
          unknownEcosystems,
          samples,
          sourceWarnings);
    }
  }
}
