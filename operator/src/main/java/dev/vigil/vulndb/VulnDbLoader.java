package dev.vigil.vulndb;

import dev.vigil.vulndb.osv.MalformedOsvRecordException;
import dev.vigil.vulndb.osv.OsvParser;
import dev.vigil.vulndb.osv.OsvRecord;
import dev.vigil.vulndb.severity.CvssScorer;
import dev.vigil.vulndb.severity.SeverityResolver;
import dev.vigil.vulndb.source.OpenedSource;
import dev.vigil.vulndb.source.OsvDocumentSink;
import dev.vigil.vulndb.source.VulnDbSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link VulnDb} from a source. Bad data never stops a load: unreadable entries,
 * malformed records, unknown ecosystems and invalid versions are skipped and counted in the
 * {@link LoadReport}. A load fails only when the source cannot be read at all or holds no usable
 * record. Thread-safe (each load has its own state).
 */
public final class VulnDbLoader {

  /** Bump when the index changes meaning, so snapshot ids (and caches keyed by them) change. */
  private static final String INDEX_FORMAT = "vigil-vulndb-1";

  /** Bound on the alias/upstream graph walk per record (real chains are two or three long). */
  private static final int MAX_ALIAS_WALK = 64;

  private final Clock clock;
  private OsvParser parser;
  private CvssScorer scorer;

  public VulnDbLoader(Clock clock) {
    this.clock = clock;
  }

  /**
   * Parser and scorer are built on the first load: their JSON mapper and CVSS library cost a
   * cold `vigil scan --vulndb none`, which never loads, a noticeable part of its start.
   */
  private synchronized void prepare() {
    if (parser == null) {
      parser = new OsvParser();
      scorer = new CvssScorer();
    }
  }

  /** Opens the source, reads it and builds a snapshot. */
  public VulnDb load(VulnDbSource source) throws VulnDbLoadException {
    OpenedSource opened;
    try {
      opened = source.open();
    } catch (IOException e) {
      throw new VulnDbLoadException(e.getMessage(), e);
    }
    try (opened) {
      return load(source.description(), opened);
    } catch (IOException e) {
      throw new VulnDbLoadException("cannot read " + source.description() + ": " + e.getMessage(), e);
    }
  }

  /** Builds a snapshot from a source that is already open (the caller closes it). */
  public VulnDb load(String description, OpenedSource opened) throws VulnDbLoadException {
    prepare();
    Instant started = clock.instant();
    LoadReport.Builder report = new LoadReport.Builder();
    report.sourceWarnings(opened.warnings());
    Interner interner = new Interner();
    RecordCompiler compiler = new RecordCompiler(new SeverityResolver(scorer), interner, report);
    Map<String, RecordCompiler.Compiled> byId = new HashMap<>();
    try {
      opened.read(
          new OsvDocumentSink() {
            @Override
            public void document(String origin, byte[] content) {
              report.documents++;
              accept(origin, content, compiler, byId, report);
            }

            @Override
            public void unreadable(String origin, String reason) {
              report.documents++;
              report.unreadableEntries++;
              report.sample(origin, reason);
            }
          });
    } catch (IOException e) {
      throw new VulnDbLoadException("cannot read " + description + ": " + e.getMessage(), e);
    }
    if (byId.isEmpty()) {
      LoadReport partial = report.build();
      throw new VulnDbLoadException(
          "source "
              + description
              + " holds no usable record ("
              + partial.documents()
              + " documents, "
              + partial.malformedRecords()
              + " malformed, "
              + partial.unreadableEntries()
              + " unreadable, "
              + partial.withdrawnRecords()
              + " withdrawn)");
    }
    Map<String, Map<String, List<AffectedPackage>>> building = new HashMap<>();
    Instant updated = null;
    for (RecordCompiler.Compiled compiled : byId.values()) {
      Advisory advisory =
          new Advisory(
              compiled.id(),
              compiled.relatedIds(),
              cvesOf(compiled, byId),
              compiled.title(),
              compiled.link());
      for (RecordCompiler.Entry entry : compiled.entries()) {
        building
            .computeIfAbsent(entry.ecosystem(), e -> new HashMap<>())
            .computeIfAbsent(entry.name(), n -> new ArrayList<>(2))
            .add(
                new AffectedPackage(
                    advisory,
                    entry.ecosystem(),
                    entry.scheme(),
                    entry.rating(),
                    entry.ranges(),
                    entry.sortedVersions()));
        report.indexedPackages++;
      }
      updated = later(updated, compiled.modified());
    }
    report.records = byId.size();
    Map<String, Map<String, AffectedPackage[]>> index = new HashMap<>(building.size() * 2);
    building.forEach(
        (ecosystem, byName) -> {
          Map<String, AffectedPackage[]> frozen = new HashMap<>(byName.size() * 2);
          byName.forEach((name, list) -> frozen.put(name, list.toArray(AffectedPackage[]::new)));
          index.put(ecosystem, Map.copyOf(frozen));
        });
    String version = opened.version();
    return new VulnDb(
        snapshotId(description, version),
        description,
        version,
        started,
        updated == null ? started : updated,
        byId.size(),
        report.build(),
        Map.copyOf(index));
  }

  private void accept(
      String origin,
      byte[] content,
      RecordCompiler compiler,
      Map<String, RecordCompiler.Compiled> byId,
      LoadReport.Builder report) {
    OsvRecord record;
    try {
      record = parser.parse(content);
    } catch (MalformedOsvRecordException e) {
      report.malformedRecords++;
      report.sample(origin, e.getMessage());
      return;
    }
    if (record.isWithdrawn()) {
      report.withdrawnRecords++;
      return;
    }
    RecordCompiler.Compiled known = byId.get(record.id());
    if (known != null && !isNewer(record.modified(), known.modified())) {
      report.duplicateRecords++;
      return;
    }
    RecordCompiler.Compiled compiled;
    try {
      compiled = compiler.compile(origin, record);
    } catch (RuntimeException e) {
      // Whatever shape of data slipped past the parser, one record must not end the load.
      report.malformedRecords++;
      report.sample(origin, record.id() + ": cannot be compiled: " + e);
      return;
    }
    if (known != null) {
      report.duplicateRecords++;
    }
    byId.put(record.id(), compiled);
  }

  /**
   * The CVEs a record stands for. A record whose own id names a CVE stands for that one only.
   * Otherwise follow its aliases and upstream ids, and theirs when the database holds those
   * records (upstream is transitive: USN → UBUNTU-CVE-… → CVE-…), collecting every id that names
   * a CVE.
   */
  private static List<String> cvesOf(
      RecordCompiler.Compiled record, Map<String, RecordCompiler.Compiled> byId) {
    String own = CveIds.named(record.id());
    if (own != null) {
      return List.of(own);
    }
    TreeSet<String> cves = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(record.relatedIds());
    seen.add(record.id());
    while (!todo.isEmpty() && seen.size() < MAX_ALIAS_WALK) {
      String id = todo.removeFirst();
      if (!seen.add(id)) {
        continue;
      }
      String cve = CveIds.named(id);
      if (cve != null) {
        cves.add(cve);
        // A CVE-derived id is resolved: its own links lead to the same CVE or beyond it.
        continue;
      }
      RecordCompiler.Compiled linked = byId.get(id);
      if (linked != null) {
        todo.addAll(linked.relatedIds());
      }
    }
    return List.copyOf(cves);
  }

  private static boolean isNewer(String candidate, String current) {
    Instant a = parseTime(candidate);
    Instant b = parseTime(current);
    if (a == null || b == null) {
      return a != null;
    }
    return a.isAfter(b);
  }

  private static Instant later(Instant current, String modified) {
    Instant time = parseTime(modified);
    if (time == null) {
      return current;
    }
    return current == null || time.isAfter(current) ? time : current;
  }

  private static Instant parseTime(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static String snapshotId(String description, String version) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] hash =
          digest.digest(
              (INDEX_FORMAT + '\n' + description + '\n' + version).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
