package dev.vigil.vulndb;

import dev.vigil.vulndb.osv.OsvAffected;
import dev.vigil.vulndb.osv.OsvEvent;
import dev.vigil.vulndb.osv.OsvRange;
import dev.vigil.vulndb.osv.OsvRecord;
import dev.vigil.vulndb.osv.OsvReference;
import dev.vigil.vulndb.severity.SeverityRating;
import dev.vigil.vulndb.severity.SeverityResolver;
import dev.vigil.vulndb.version.SemverVersionScheme;
import dev.vigil.vulndb.version.VersionScheme;
import dev.vigil.vulndb.version.VersionSchemes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns one parsed OSV record into what a snapshot keeps: the advisory's display fields and its
 * affected-package entries with compiled ranges. Entries that cannot be evaluated reliably are
 * skipped and counted in the load report. One instance per load (it shares an interner).
 */
final class RecordCompiler {

  static final int MAX_VERSION_LENGTH = 200;
  static final int MAX_TITLE_LENGTH = 200;

  /** A compiled record whose CVE set is not known yet (it needs the whole database). */
  record Compiled(
      String id,
      String modified,
      List<String> relatedIds,
      String title,
      String link,
      List<Entry> entries) {}

  /** An affected-package entry waiting for its advisory. */
  record Entry(
      String ecosystem,
      String name,
      VersionScheme scheme,
      SeverityRating rating,
      VersionRange[] ranges,
      String[] sortedVersions) {}

  private final SeverityResolver severities;
  private final Interner interner;
  private final LoadReport.Builder report;

  RecordCompiler(SeverityResolver severities, Interner interner, LoadReport.Builder report) {
    this.severities = severities;
    this.interner = interner;
    this.report = report;
  }

  Compiled compile(String origin, OsvRecord record) {
    TreeSet<String> related = new TreeSet<>();
    addIds(related, record.aliases());
    addIds(related, record.upstream());
    related.remove(record.id());
    List<Entry> entries = new ArrayList<>();
    for (OsvAffected affected : record.affected()) {
      Entry entry = compileEntry(origin, record, affected);
      if (entry != null) {
        entries.add(entry);
      }
    }
    return new Compiled(
        record.id(),
        record.modified(),
        List.copyOf(related),
        title(record),
        link(record),
        List.copyOf(entries));
  }

  private void addIds(TreeSet<String> ids, List<String> values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        ids.add(interner.intern(value.trim()));
      }
    }
  }

  private Entry compileEntry(String origin, OsvRecord record, OsvAffected affected) {
    if (affected.pkg() == null
        || isBlank(affected.pkg().ecosystem())
        || isBlank(affected.pkg().name())) {
      report.entriesWithoutPackage++;
      return null;
    }
    String ecosystem = interner.intern(affected.pkg().ecosystem().trim());
    Optional<VersionScheme> scheme = VersionSchemes.forOsvEcosystem(ecosystem);
    if (scheme.isEmpty()) {
      report.unknownEcosystem(ecosystem);
      return null;
    }
    List<VersionRange> ranges = new ArrayList<>();
    for (OsvRange range : affected.ranges()) {
      if ("GIT".equals(range.type())) {
        continue;
      }
      VersionScheme rangeScheme;
      if ("ECOSYSTEM".equals(range.type())) {
        rangeScheme = scheme.get();
      } else if ("SEMVER".equals(range.type())) {
        rangeScheme = SemverVersionScheme.INSTANCE;
      } else {
        return invalid(origin, record, "unknown range type " + quote(range.type()));
      }
      String problem = checkEvents(range.events(), rangeScheme);
      if (problem != null) {
        return invalid(origin, record, problem);
      }
      VersionRange compiled = VersionRange.compile(range.events(), rangeScheme, interner);
      if (compiled == null) {
        return invalid(origin, record, "range without an introduced event");
      }
      ranges.add(compiled);
    }
    List<String> versions = new ArrayList<>(affected.versions().size());
    for (String version : affected.versions()) {
      if (isAbsurd(version)) {
        report.invalidListedVersions++;
        report.sample(origin, "dropped listed version " + quote(version));
      } else {
        versions.add(interner.intern(version));
      }
    }
    if (ranges.isEmpty() && versions.isEmpty()) {
      report.entriesWithoutUsableRange++;
      return null;
    }
    String[] sortedVersions = versions.toArray(String[]::new);
    Arrays.sort(sortedVersions);
    return new Entry(
        ecosystem,
        interner.intern(LanguageEcosystems.normaliseName(ecosystem, affected.pkg().name())),
        scheme.get(),
        severities.resolve(record, affected),
        ranges.toArray(VersionRange[]::new),
        sortedVersions);
  }

  private Entry invalid(String origin, OsvRecord record, String problem) {
    report.invalidVersionEntries++;
    report.sample(origin, record.id() + ": skipped an affected entry: " + problem);
    return null;
  }

  /** Null when every event is well-formed and its version valid for the scheme. */
  private static String checkEvents(List<OsvEvent> events, VersionScheme scheme) {
    for (OsvEvent event : events) {
      OsvEvent.Kind kind = event.kind();
      if (kind == null) {
        return "malformed event (must set exactly one of introduced/fixed/last_affected/limit)";
      }
      String version = event.version();
      if (kind == OsvEvent.Kind.INTRODUCED && version.equals("0")) {
        continue;
      }
      if (kind == OsvEvent.Kind.LIMIT && version.contains("*")) {
        continue;
      }
      if (version.length() > MAX_VERSION_LENGTH || !scheme.isValid(version)) {
        return "invalid " + scheme.name() + " version " + quote(version);
      }
    }
    return null;
  }

  private static boolean isAbsurd(String version) {
    if (version.isEmpty() || version.length() > MAX_VERSION_LENGTH) {
      return true;
    }
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static String title(OsvRecord record) {
    String text = record.summary();
    if (isBlank(text) && record.details() != null) {
      text =
          record.details().lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }
    if (text == null) {
      return "";
    }
    text = text.trim();
    return text.length() <= MAX_TITLE_LENGTH ? text : text.substring(0, MAX_TITLE_LENGTH - 1) + "…";
  }

  private static String link(OsvRecord record) {
    String web = null;
    for (OsvReference reference : record.references()) {
      String url = reference.url();
      if (url == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
        continue;
      }
      if ("ADVISORY".equals(reference.type())) {
        return url;
      }
      if (web == null && "WEB".equals(reference.type())) {
        web = url;
      }
    }
    return web;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown = value.length() <= 60 ? value : value.substring(0, 60) + "…";
    return '"' + shown + '"';
  }
}
