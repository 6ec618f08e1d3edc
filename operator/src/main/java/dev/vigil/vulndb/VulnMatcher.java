package dev.vigil.vulndb;

import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the vulnerabilities of an image's OS packages in a snapshot. The OS decides the
 * ecosystems ({@link OsEcosystems}); Debian and Ubuntu packages are looked up by source package
 * and source version, Alpine, Wolfi and Chainguard by origin, Red Hat and AlmaLinux by binary
 * name and installed version. Thread-safe and allocation-light: lookups are hash probes, and
 * binaries built from the same source are evaluated once.
 */
public final class VulnMatcher {

  /** Severity (worst first), then id, then package, then installed version. */
  public static final Comparator<VulnerabilityMatch> ORDER =
      Comparator.comparing(VulnerabilityMatch::severity)
          .thenComparing(VulnerabilityMatch::id)
          .thenComparing(VulnerabilityMatch::packageName)
          .thenComparing(VulnerabilityMatch::installedVersion);

  private static final List<FindingMerger.Hit> NO_HITS = List.of();

  /**
   * The vulnerabilities of the inventory's packages, one per (vulnerability, installed package),
   * in {@link #ORDER}. Empty when the OS is unknown or has no ecosystem in the snapshot.
   */
  public List<VulnerabilityMatch> match(VulnDb db, Inventory inventory) {
    if (inventory == null || inventory.os() == null || inventory.packages().isEmpty()) {
      return List.of();
    }
    List<EcosystemTarget> targets = db.targets(inventory.os());
    if (targets.isEmpty()) {
      return List.of();
    }
    Map<String, List<FindingMerger.Hit>> lookups = new HashMap<>();
    List<VulnerabilityMatch> matches = new ArrayList<>();
    for (InstalledPackage pkg : inventory.packages()) {
      if (pkg == null || pkg.name() == null || pkg.version() == null) {
        continue;
      }
      List<FindingMerger.Hit> hits = null;
      Set<AffectedPackage> seen = null;
      for (EcosystemTarget target : targets) {
        for (String[] nameAndVersion : keys(pkg, target.key())) {
          List<FindingMerger.Hit> found = lookup(db, target.ecosystem(), nameAndVersion, lookups);
          for (FindingMerger.Hit hit : found) {
            if (hits == null) {
              hits = new ArrayList<>();
              seen = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            if (seen.add(hit.entry())) {
              hits.add(hit);
            }
          }
        }
      }
      if (hits != null) {
        matches.addAll(FindingMerger.merge(pkg, hits));
      }
    }
    matches.sort(ORDER);
    return matches;
  }

  private static List<String[]> keys(InstalledPackage pkg, PackageKey key) {
    String sourceName = isBlank(pkg.sourceName()) ? pkg.name() : pkg.sourceName();
    String sourceVersion = isBlank(pkg.sourceVersion()) ? pkg.version() : pkg.sourceVersion();
    return switch (key) {
      case SOURCE -> List.<String[]>of(new String[] {sourceName, sourceVersion});
      case BINARY -> List.<String[]>of(new String[] {pkg.name(), pkg.version()});
      case BINARY_THEN_SOURCE ->
          sourceName.equals(pkg.name())
              ? List.<String[]>of(new String[] {pkg.name(), pkg.version()})
              : List.of(new String[] {pkg.name(), pkg.version()}, new String[] {sourceName, pkg.version()});
    };
  }

  private static List<FindingMerger.Hit> lookup(
      VulnDb db, String ecosystem, String[] nameAndVersion, Map<String, List<FindingMerger.Hit>> cache) {
    String name = RecordCompiler.normaliseName(nameAndVersion[0]);
    String version = nameAndVersion[1].trim();
    String cacheKey = ecosystem + '\u0000' + name + '\u0000' + version;
    List<FindingMerger.Hit> cached = cache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    AffectedPackage[] entries = db.lookup(ecosystem, name);
    List<FindingMerger.Hit> hits = NO_HITS;
    for (AffectedPackage entry : entries) {
      VersionRange.Hit hit = entry.evaluate(version);
      if (hit != null) {
        if (hits == NO_HITS) {
          hits = new ArrayList<>(2);
        }
        hits.add(new FindingMerger.Hit(entry, hit.fixedVersion()));
      }
    }
    cache.put(cacheKey, hits);
    return hits;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
