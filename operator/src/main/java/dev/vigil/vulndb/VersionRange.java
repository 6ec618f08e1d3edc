package dev.vigil.vulndb;

import dev.vigil.vulndb.osv.OsvEvent;
import dev.vigil.vulndb.version.VersionScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One OSV ECOSYSTEM or SEMVER range, with its events sorted once at load time by the
 * ecosystem's version order. Evaluation follows the OSV schema's algorithm: walking the sorted
 * events, "introduced" at or below v makes v vulnerable, "fixed" at or below v and
 * "last_affected" below v make it not vulnerable; when the range has "limit" events, v must
 * also be below one of them. Immutable.
 */
final class VersionRange {

  /** What a range says about an affected version. */
  record Hit(String fixedVersion) {}

  private static final Hit UNFIXED = new Hit(null);

  private enum Kind {
    INTRODUCED,
    FIXED,
    LAST_AFFECTED
  }

  private final VersionScheme scheme;
  private final String[] versions;
  private final Kind[] kinds;
  /** Upper limits; null when the range has none or has the "*" (infinite) limit. */
  private final String[] limits;

  private VersionRange(VersionScheme scheme, String[] versions, Kind[] kinds, String[] limits) {
    this.scheme = scheme;
    this.versions = versions;
    this.kinds = kinds;
    this.limits = limits;
  }

  /**
   * Compiles the events of a range. The caller has checked every version with the scheme.
   *
   * @return null when the range has no "introduced" event (the schema requires one)
   */
  static VersionRange compile(List<OsvEvent> events, VersionScheme scheme, Interner interner) {
    List<Event> ordered = new ArrayList<>(events.size());
    List<String> limits = new ArrayList<>();
    boolean unlimited = false;
    boolean introduced = false;
    for (OsvEvent event : events) {
      OsvEvent.Kind kind = event.kind();
      String version = interner.intern(event.version());
      switch (kind) {
        case INTRODUCED -> {
          ordered.add(new Event(Kind.INTRODUCED, version));
          introduced = true;
        }
        case FIXED -> ordered.add(new Event(Kind.FIXED, version));
        case LAST_AFFECTED -> ordered.add(new Event(Kind.LAST_AFFECTED, version));
        case LIMIT -> {
          if (version.contains("*")) {
            unlimited = true;
          } else {
            limits.add(version);
          }
        }
      }
    }
    if (!introduced) {
      return null;
    }
    // "0" as introduced sorts before every version; the sort is stable, so events at equal
    // versions keep the record's order.
    Comparator<Event> order =
        (a, b) -> {
          boolean aZero = a.isIntroducedZero();
          boolean bZero = b.isIntroducedZero();
          if (aZero || bZero) {
            return aZero == bZero ? 0 : aZero ? -1 : 1;
          }
          return scheme.compare(a.version(), b.version());
        };
    ordered.sort(order);
    String[] versions = new String[ordered.size()];
    Kind[] kinds = new Kind[ordered.size()];
    for (int i = 0; i < ordered.size(); i++) {
      versions[i] = ordered.get(i).version();
      kinds[i] = ordered.get(i).kind();
    }
    String[] limitArray = unlimited || limits.isEmpty() ? null : limits.toArray(String[]::new);
    return new VersionRange(scheme, versions, kinds, limitArray);
  }

  private record Event(Kind kind, String version) {
    boolean isIntroducedZero() {
      return kind == Kind.INTRODUCED && version.equals("0");
    }
  }

  /** The hit when {@code version} lies in the range, else null. */
  Hit evaluate(String version) {
    if (limits != null && !belowAnyLimit(version)) {
      return null;
    }
    boolean vulnerable = false;
    int lastFired = -1;
    for (int i = 0; i < versions.length; i++) {
      switch (kinds[i]) {
        case INTRODUCED -> {
          if (versions[i].equals("0") || scheme.compare(version, versions[i]) >= 0) {
            vulnerable = true;
            lastFired = i;
          }
        }
        case FIXED -> {
          if (scheme.compare(version, versions[i]) >= 0) {
            vulnerable = false;
            lastFired = i;
          }
        }
        case LAST_AFFECTED -> {
          if (scheme.compare(version, versions[i]) > 0) {
            vulnerable = false;
            lastFired = i;
          }
        }
      }
    }
    if (!vulnerable) {
      return null;
    }
    // The interval that holds the version ends at the next closing event: a "fixed" names the
    // fix, a "last_affected" (or no closing event at all) means no fix is known.
    for (int j = lastFired + 1; j < versions.length; j++) {
      if (kinds[j] == Kind.FIXED) {
        return new Hit(versions[j]);
      }
      if (kinds[j] == Kind.LAST_AFFECTED) {
        return UNFIXED;
      }
    }
    return UNFIXED;
  }

  /** The lowest "fixed" event above {@code version}, or null. */
  String nextFixAbove(String version) {
    for (int i = 0; i < versions.length; i++) {
      if (kinds[i] == Kind.FIXED && scheme.compare(versions[i], version) > 0) {
        return versions[i];
      }
    }
    return null;
  }

  private boolean belowAnyLimit(String version) {
    for (String limit : limits) {
      if (scheme.compare(version, limit) < 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < versions.length; i++) {
      text.append(i == 0 ? "" : ", ").append(kinds[i]).append(' ').append(versions[i]);
    }
    if (limits != null) {
      text.append(", limits ").append(Arrays.toString(limits));
    }
    return text.append(']').toString();
  }
}
