package dev.vigil.vulndb;

import dev.vigil.vulndb.severity.SeverityRating;
import dev.vigil.vulndb.version.VersionScheme;
import java.util.Arrays;

/**
 * One affected-package entry of an advisory, ready to be evaluated against an installed version.
 * Immutable.
 */
final class AffectedPackage {

  final Advisory advisory;
  final String ecosystem;
  final VersionScheme scheme;
  final SeverityRating rating;
  private final VersionRange[] ranges;
  /** Explicitly listed affected versions, sorted for binary search (exact string match). */
  private final String[] versions;

  AffectedPackage(
      Advisory advisory,
      String ecosystem,
      VersionScheme scheme,
      SeverityRating rating,
      VersionRange[] ranges,
      String[] sortedVersions) {
    this.advisory = advisory;
    this.ecosystem = ecosystem;
    this.scheme = scheme;
    this.rating = rating;
    this.ranges = ranges;
    this.versions = sortedVersions;
  }

  /**
   * Whether the installed version is affected, and the fix. A version is affected when it lies in
   * any range or is listed in "versions" (OSV's rule). When several ranges hold it, the highest
   * fix among them is reported, so upgrading to it leaves every range; a version only listed
   * explicitly gets the lowest "fixed" event above it, if any.
   *
   * @return null when not affected
   */
  VersionRange.Hit evaluate(String installed) {
    VersionRange.Hit result = null;
    for (VersionRange range : ranges) {
      VersionRange.Hit hit = range.evaluate(installed);
      if (hit == null) {
        continue;
      }
      if (result == null || higherFix(hit.fixedVersion(), result.fixedVersion())) {
        result = hit;
      }
    }
    if (result != null) {
      return result;
    }
    if (versions.length > 0 && Arrays.binarySearch(versions, installed) >= 0) {
      String lowestFix = null;
      for (VersionRange range : ranges) {
        String fix = range.nextFixAbove(installed);
        if (fix != null && (lowestFix == null || scheme.compare(fix, lowestFix) < 0)) {
          lowestFix = fix;
        }
      }
      return new VersionRange.Hit(lowestFix);
    }
    return null;
  }

  private boolean higherFix(String candidate, String current) {
    if (candidate == null) {
      return false;
    }
    return current == null || scheme.compare(candidate, current) > 0;
  }
}
