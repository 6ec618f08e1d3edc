package dev.vigil.vulndb;

import dev.vigil.inventory.OsInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of OSV advisories, indexed by (ecosystem incl. release, normalised
 * package name). Build it with {@link VulnDbLoader}; match inventories against it with {@link
 * VulnMatcher}. Safe to share between threads.
 */
public final class VulnDb {

  private final String snapshotId;
  private final String source;
  private final String sourceVersion;
  private final Instant loadedAt;
  private final Instant updated;
  private final int recordCount;
  private final LoadReport loadReport;
  private final Map<String, Map<String, AffectedPackage[]>> index;
  private final Map<String, List<EcosystemTarget>> targetsByOs = new ConcurrentHashMap<>();

  VulnDb(
      String snapshotId,
      String source,
      String sourceVersion,
      Instant loadedAt,
      Instant updated,
      int recordCount,
      LoadReport loadReport,
      Map<String, Map<String, AffectedPackage[]>> index) {
    this.snapshotId = snapshotId;
    this.source = source;
    this.sourceVersion = sourceVersion;
    this.loadedAt = loadedAt;
    this.updated = updated;
    this.recordCount = recordCount;
    this.loadReport = loadReport;
    this.index = index;
  }

  /**
   * Identifies the content: a digest of the source description and its version token (ETag or
   * content digest) and of Vigil's index format. The same content always gives the same id, so
   * it can key caches of match results.
   */
  public String snapshotId() {
    return snapshotId;
  }

  /** The source's description (URL, path). */
  public String source() {
    return source;
  }

  /** The source's version token at load time. */
  public String sourceVersion() {
    return sourceVersion;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /** The newest "modified" time among the records; the load time when none could be read. */
  public Instant updated() {
    return updated;
  }

  /** Records in the snapshot. */
  public int recordCount() {
    return recordCount;
  }

  public LoadReport loadReport() {
    return loadReport;
  }

  /** The OSV ecosystems (with release) that have at least one indexed package. */
  public Set<String> ecosystems() {
    return index.keySet();
  }

  /** Entries for one package in one ecosystem; the name must be normalised. */
  AffectedPackage[] lookup(String ecosystem, String normalisedName) {
    Map<String, AffectedPackage[]> byName = index.get(ecosystem);
    if (byName == null) {
      return NONE;
    }
    AffectedPackage[] entries = byName.get(normalisedName);
    return entries == null ? NONE : entries;
  }

  /** The ecosystems of this snapshot that apply to an OS, computed once per OS release. */
  List<EcosystemTarget> targets(OsInfo os) {
    String key = os.family() + '\u0000' + os.version();
    return targetsByOs.computeIfAbsent(key, k -> OsEcosystems.targets(os, index.keySet()));
  }

  private static final AffectedPackage[] NONE = new AffectedPackage[0];

  @Override
  public String toString() {
    return "VulnDb[" + snapshotId + ", " + recordCount + " records from " + source + "]";
  }
}
