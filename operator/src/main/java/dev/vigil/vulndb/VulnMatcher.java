package dev.vigil.vulndb;

import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the vulnerabilities of an image's packages in a snapshot.
 *
 * <p>OS packages: the OS decides the ecosystems ({@link OsEcosystems}); Debian and Ubuntu
 * packages are looked up by source package and source version, Alpine, Wolfi and Chainguard by
 * origin, Red Hat and AlmaLinux by binary name and installed version.
 *
 * <p>Language packages ({@link ApplicationPackage}): each names its ecosystem; the name and
 * version are normalised per ecosystem ({@link LanguageEcosystems}) and looked up there. Every
 * copy of a package (each path) is its own finding.
 *
 * <p>Thread-safe and allocation-light: lookups are hash probes, and packages with the same
 * lookup keys (binaries of one source, copies of one jar) are evaluated once.
 */
public final class VulnMatcher {

  /** Severity (worst first), then id, then package, then installed version, then path. */
  public static final Comparator<VulnerabilityMatch> ORDER = VulnMatcher::compareMatches;

  private static final List<FindingMerger.Hit> NO_HITS = List.of();

  /**
   * The vulnerabilities of the inventory's packages, one per (vulnerability, installed package),
   * in {@link #ORDER}. Empty when the OS is unknown or has no ecosystem in the snapshot.
   */
  public List<VulnerabilityMatch> match(VulnDb db, Inventory inventory) {
    List<VulnerabilityMatch> matches = new ArrayList<>();
    matchOs(db, inventory, matches);
    matches.sort(ORDER);
    return matches;
  }

  /**
   * The vulnerabilities of the OS packages and of the language packages together, one per
   * (vulnerability, installed package), in {@link #ORDER}. The inventory may have no OS (a
   * distroless or scratch image) and still have language packages.
   */
  public List<VulnerabilityMatch> match(
      VulnDb db, Inventory inventory, Collection<ApplicationPackage> applications) {
    List<VulnerabilityMatch> matches = new ArrayList<>();
    matchOs(db, inventory, matches);
    matchApplications(db, applications, matches);
    matches.sort(ORDER);
    return matches;
  }

  /**
   * The vulnerabilities of language packages, one per (vulnerability, package), in {@link
   * #ORDER}. Packages of an unknown ecosystem, without name or version, or whose version cannot
   * be matched (a Go main module built as {@code (devel)}) are skipped.
   */
  public List<VulnerabilityMatch> matchApplications(
      VulnDb db, Collection<ApplicationPackage> applications) {
    List<VulnerabilityMatch> matches = new ArrayList<>();
    matchApplications(db, applications, matches);
    matches.sort(ORDER);
    return matches;
  }

  private void matchApplications(
      VulnDb db, Collection<ApplicationPackage> applications, List<VulnerabilityMatch> matches) {
    if (applications == null || applications.isEmpty()) {
      return;
    }
    Map<String, List<FindingMerger.Hit>> lookups = new HashMap<>();
    Map<String, List<FindingMerger.Finding>> findingsByKey = new HashMap<>();
    for (ApplicationPackage pkg : applications) {
      if (pkg == null
          || !LanguageEcosystems.isLanguageEcosystem(pkg.ecosystem())
          || isBlank(pkg.name())
          || pkg.version() == null) {
        continue;
      }
      String name = LanguageEcosystems.normaliseName(pkg.ecosystem(), pkg.name());
      String version = LanguageEcosystems.normaliseVersion(pkg.ecosystem(), pkg.name(), pkg.version());
      if (version == null) {
        continue;
      }
      String key = pkg.ecosystem() + '\u0000' + name + '\u0000' + version;
      List<FindingMerger.Hit> hits = lookup(db, pkg.ecosystem(), name, version, key, lookups);
      if (hits.isEmpty()) {
        continue;
      }
      List<FindingMerger.Finding> findings =
          findingsByKey.computeIfAbsent(key, k -> FindingMerger.merge(hits));
      for (FindingMerger.Finding finding : findings) {
        matches.add(finding.forApplication(pkg));
      }
    }
  }

  private void matchOs(VulnDb db, Inventory inventory, List<VulnerabilityMatch> matches) {
    if (inventory == null
        || inventory.os() == null
        || inventory.packages() == null
        || inventory.packages().isEmpty()) {
      return;
    }
    List<EcosystemTarget> targets = db.targets(inventory.os());
    if (targets.isEmpty()) {
      return;
    }
    Map<String, List<FindingMerger.Hit>> lookups = new HashMap<>();
    Map<String, List<FindingMerger.Finding>> findingsByKeys = new HashMap<>();
    StringBuilder keysOfPackage = new StringBuilder();
    for (InstalledPackage pkg : inventory.packages()) {
      if (pkg == null || pkg.name() == null || pkg.version() == null) {
        continue;
      }
      keysOfPackage.setLength(0);
      List<FindingMerger.Hit> hits = NO_HITS;
      int lookupsWithHits = 0;
      for (EcosystemTarget target : targets) {
        for (String[] nameAndVersion : keys(pkg, target.key())) {
          String name = LanguageEcosystems.normaliseName(target.ecosystem(), nameAndVersion[0]);
          String version = nameAndVersion[1].trim();
          String lookupKey = target.ecosystem() + '\u0000' + name + '\u0000' + version;
          keysOfPackage.append(lookupKey).append('\u0001');
          List<FindingMerger.Hit> found =
              lookup(db, target.ecosystem(), name, version, lookupKey, lookups);
          if (found.isEmpty()) {
            continue;
          }
          lookupsWithHits++;
          hits = lookupsWithHits == 1 ? found : union(hits, found);
        }
      }
      if (hits.isEmpty()) {
        continue;
      }
      // Binaries of one source at one version share their findings; merge them once.
      List<FindingMerger.Hit> packageHits = hits;
      List<FindingMerger.Finding> findings =
          findingsByKeys.computeIfAbsent(keysOfPackage.toString(), k -> FindingMerger.merge(packageHits));
      for (FindingMerger.Finding finding : findings) {
        matches.add(finding.forPackage(pkg));
      }
    }
  }

  // Written out rather than chained with Comparator.thenComparing: sorting thousands of
  // findings is a visible part of a match.
  private static int compareMatches(VulnerabilityMatch a, VulnerabilityMatch b) {
    int result = a.severity().compareTo(b.severity());
    if (result != 0) {
      return result;
    }
    result = a.id().compareTo(b.id());
    if (result != 0) {
      return result;
    }
    result = a.packageName().compareTo(b.packageName());
    if (result != 0) {
      return result;
    }
    result = a.installedVersion().compareTo(b.installedVersion());
    if (result != 0 || a.path() == null || b.path() == null) {
      return result != 0 ? result : Boolean.compare(a.path() != null, b.path() != null);
    }
    return a.path().compareTo(b.path());
  }

  /** Hits of both lists, each entry once (an entry can come back through a second name). */
  private static List<FindingMerger.Hit> union(
      List<FindingMerger.Hit> first, List<FindingMerger.Hit> second) {
    Set<AffectedPackage> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<FindingMerger.Hit> all = new ArrayList<>(first.size() + second.size());
    for (List<FindingMerger.Hit> list : List.of(first, second)) {
      for (FindingMerger.Hit hit : list) {
        if (seen.add(hit.entry())) {
          all.add(hit);
        }
      }
    }
    return all;
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

  /** The entries holding the version; name and version already normalised. Cached by key. */
  private static List<FindingMerger.Hit> lookup(
      VulnDb db,
      String ecosystem,
      String name,
      String version,
      String cacheKey,
      Map<String, List<FindingMerger.Hit>> cache) {
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
