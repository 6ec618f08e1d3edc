package dev.vigil.vulndb;

import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.vulndb.severity.SeverityRating;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Merges the advisories that matched one installed package into one finding per vulnerability.
 *
 * <p>Rule: a vulnerability is a CVE. Each matched advisory counts for the CVEs it stands for
 * ({@link Advisory#cves()}); an advisory covering several CVEs (a USN fixing three) counts for
 * each of them; an advisory naming no CVE is a vulnerability of its own under its own id. Within
 * one vulnerability the worst severity wins, the fixed version is the highest any matching
 * advisory names (null only when none names one), and title and link come from the advisory
 * whose id is the vulnerability's id, else from the advisory with a title, first by id.
 */
final class FindingMerger {

  /** One advisory entry that holds the installed version. */
  record Hit(AffectedPackage entry, String fixedVersion) {}

  /**
   * A finding without the installed package: equal for every binary built from the same source
   * at the same version, so it is computed once per source and version.
   */
  record Finding(
      String id,
      List<String> aliases,
      String fixedVersion,
      SeverityRating rating,
      String title,
      String link) {

    VulnerabilityMatch forPackage(InstalledPackage pkg) {
      return new VulnerabilityMatch(
          id,
          aliases,
          pkg.name(),
          pkg.sourceName(),
          pkg.version(),
          fixedVersion,
          fixedVersion != null,
          rating.severity(),
          rating.score(),
          title,
          pkg.layerDigest(),
          link,
          null,
          null);
    }

    VulnerabilityMatch forApplication(ApplicationPackage pkg) {
      return new VulnerabilityMatch(
          id,
          aliases,
          pkg.name(),
          null,
          pkg.version(),
          fixedVersion,
          fixedVersion != null,
          rating.severity(),
          rating.score(),
          title,
          pkg.layerDigest(),
          link,
          pkg.ecosystem(),
          pkg.path());
    }
  }

  private static final String OSV_LINK = "https://osv.dev/vulnerability/";

  private FindingMerger() {}

  static List<Finding> merge(List<Hit> hits) {
    if (hits.size() == 1 && hits.get(0).entry().advisory.cves().size() <= 1) {
      return List.of(single(hits.get(0)));
    }
    Map<String, List<Hit>> byVulnerability = new TreeMap<>();
    for (Hit hit : hits) {
      List<String> cves = hit.entry().advisory.cves();
      if (cves.isEmpty()) {
        byVulnerability.computeIfAbsent(hit.entry().advisory.id(), k -> new ArrayList<>()).add(hit);
      } else {
        for (String cve : cves) {
          byVulnerability.computeIfAbsent(cve, k -> new ArrayList<>()).add(hit);
        }
      }
    }
    List<Finding> findings = new ArrayList<>(byVulnerability.size());
    byVulnerability.forEach((id, group) -> findings.add(finding(id, group)));
    return List.copyOf(findings);
  }

  /** The common case, one advisory for one vulnerability, without the grouping machinery. */
  private static Finding single(Hit hit) {
    Advisory advisory = hit.entry().advisory;
    String id = advisory.cves().isEmpty() ? advisory.id() : advisory.cves().get(0);
    List<String> aliases = new ArrayList<>(advisory.relatedIds().size() + 1);
    if (!advisory.id().equals(id)) {
      aliases.add(advisory.id());
    }
    for (String related : advisory.relatedIds()) {
      String named = CveIds.named(related);
      if (!related.equals(id) && (named == null || named.equals(id))) {
        aliases.add(related);
      }
    }
    aliases.sort(Comparator.naturalOrder());
    String link = advisory.link() != null ? advisory.link() : OSV_LINK + advisory.id();
    return new Finding(
        id, List.copyOf(aliases), hit.fixedVersion(), hit.entry().rating, advisory.title(), link);
  }

  private static Finding finding(String id, List<Hit> group) {
    if (group.size() == 1) {
      Finding only = single(group.get(0));
      if (only.id().equals(id)) {
        return only;
      }
    }
    TreeSet<String> aliases = new TreeSet<>();
    SeverityRating rating = null;
    String fixed = null;
    for (Hit hit : group) {
      Advisory advisory = hit.entry().advisory;
      aliases.add(advisory.id());
      for (String related : advisory.relatedIds()) {
        String named = CveIds.named(related);
        // A multi-CVE advisory's links to the other CVEs belong to those other findings.
        if (named == null || named.equals(id)) {
          aliases.add(related);
        }
      }
      rating = rating == null ? hit.entry().rating : SeverityRating.worse(rating, hit.entry().rating);
      String candidate = hit.fixedVersion();
      if (candidate != null
          && (fixed == null || hit.entry().scheme.compare(candidate, fixed) > 0)) {
        fixed = candidate;
      }
    }
    aliases.remove(id);
    List<Hit> ordered = new ArrayList<>(group);
    ordered.sort(
        Comparator.comparing((Hit h) -> h.entry().advisory.id().equals(id) ? 0 : 1)
            .thenComparing(h -> h.entry().advisory.title().isEmpty() ? 1 : 0)
            .thenComparing(h -> h.entry().advisory.id()));
    Advisory representative = ordered.get(0).entry().advisory;
    String link = null;
    for (Hit hit : ordered) {
      if (hit.entry().advisory.link() != null) {
        link = hit.entry().advisory.link();
        break;
      }
    }
    if (link == null) {
      link = OSV_LINK + representative.id();
    }
    return new Finding(id, List.copyOf(aliases), fixed, rating, representative.title(), link);
  }
}
