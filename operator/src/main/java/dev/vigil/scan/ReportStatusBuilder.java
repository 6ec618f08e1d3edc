package dev.vigil.scan;

import dev.vigil.api.Conditions;
import dev.vigil.api.Finding;
import dev.vigil.api.ImageReportStatus;

import dev.vigil.vulndb.VulnerabilityMatch;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns what a scan found into an ImageReport status, the same for `vigil scan` and the
 * operator: sorted, capped vulnerabilities with full counts, findings, signature, compliance and
 * conditions.
 */
public final class ReportStatusBuilder {

  public static final String CONDITION_SCANNED = "Scanned";
  public static final String CONDITION_COMPLIANT = "Compliant";
  public static final String CONDITION_SIGNED = "Signed";

  public static final String REASON_SCAN_SUCCEEDED = "ScanSucceeded";
  public static final String REASON_COMPLIANT = "Compliant";
  public static final String REASON_NOT_COMPLIANT = "NotCompliant";
  public static final String REASON_NO_POLICY = "NoPolicy";

  /** Default cap on listed vulnerabilities; keeps a report far below the 1.5 MB object limit. */
  public static final int DEFAULT_MAX_VULNERABILITIES = 200;

  /**
   * Most severe first, so that the capped list keeps them; ecosystem and path last, so that
   * copies of a language package at several paths are listed in a stable order (OS packages,
   * which have neither, first).
   */
  private static final Comparator<VulnerabilityMatch> ORDER =
      Comparator.comparing(VulnerabilityMatch::severity)
          .thenComparing(VulnerabilityMatch::id)
          .thenComparing(VulnerabilityMatch::packageName)
          .thenComparing(VulnerabilityMatch::ecosystem, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(VulnerabilityMatch::path, Comparator.nullsFirst(Comparator.naturalOrder()));

  /**
   * Longest path written into a report: nested archive paths can grow long, and the report must
   * stay far below the API server's object size limit however many are listed.
   */
  static final int MAX_PATH_LENGTH = 1024;

  private final String scanner;
  private final int maxVulnerabilities;
  private final Clock clock;

  public ReportStatusBuilder(String scanner, int maxVulnerabilities, Clock clock) {
    this.scanner = scanner;
    this.maxVulnerabilities = maxVulnerabilities;
    this.clock = clock;
  }

  /** Scanner name and version, as reports show it. */
  public String scanner() {
    return scanner;
  }

  /**
   * Builds the status.
   *
   * @param reference the image reference as written in the pod spec (or on the command line)
   * @param vulnDb the database the vulnerabilities come from, null when none was loaded
   * @param signature the signature result, null when not checked
   */
  public ImageReportStatus build(String reference, ImageAnalysis analysis, VulnDbInfo vulnDb,
      List<Finding> extraFindings, ImageReportStatus.SignatureInfo signature, Compliance compliance,
      Long generation) {
    ImageReportStatus status = new ImageReportStatus();
    status.observedGeneration = generation;
    status.image = image(reference, analysis);
    status.scan = scan(analysis, vulnDb);

    List<VulnerabilityMatch> all = new ArrayList<>(compliance.counted());
    all.sort(ORDER);
    status.summary = summary(all);
    List<Finding> findings = new ArrayList<>(analysis.findings());
    findings.addAll(extraFindings);
    findings.sort(Comparator.comparing(Finding::getId).thenComparing(f -> String.join(",", f.getEvidence())));
    status.findings = findings;
    status.summary.findings = findings.size();
    status.vulnerabilities = all.stream().limit(maxVulnerabilities).map(ReportStatusBuilder::vulnerability).toList();
    status.truncated = all.size() > maxVulnerabilities;
    status.signature = signature;

    ImageReportStatus.Compliance c = new ImageReportStatus.Compliance();
    c.compliant = compliance.compliant();
    c.policies = compliance.policies();
    c.reasons = compliance.reasons();
    status.compliance = c;

    Conditions.set(status, CONDITION_SCANNED, Conditions.TRUE, REASON_SCAN_SUCCEEDED,
        "scanned " + analysis.manifestDigest(),
        generation, clock);
    if (compliance.policies().isEmpty()) {
      Conditions.set(status, CONDITION_COMPLIANT, Conditions.TRUE, REASON_NO_POLICY,
          "no ImagePolicy applies", generation, clock);
    } else if (compliance.compliant()) {
      Conditions.set(status, CONDITION_COMPLIANT, Conditions.TRUE, REASON_COMPLIANT,
          "meets " + String.join(", ", compliance.policies()), generation, clock);
    } else {
      Conditions.set(status, CONDITION_COMPLIANT, Conditions.FALSE, REASON_NOT_COMPLIANT,
          String.join("; ", compliance.reasons()), generation, clock);
    }
    if (signature != null && signature.status != null) {
      boolean verified = signature.status == ImageReportStatus.SignatureInfo.Status.Verified;
      boolean notRequired = signature.status == ImageReportStatus.SignatureInfo.Status.NotRequired;
      Conditions.set(status, CONDITION_SIGNED, verified ? Conditions.TRUE
              : notRequired ? Conditions.UNKNOWN : Conditions.FALSE,
          "Signature" + signature.status,
          verified ? "verified by " + signature.authority
              : signature.reason == null ? signature.status.name() : signature.reason,
          generation, clock);
    }
    return status;
  }

  private static ImageReportStatus.ImageInfo image(String reference, ImageAnalysis analysis) {
    ImageReportStatus.ImageInfo image = new ImageReportStatus.ImageInfo();
    image.reference = reference;
    image.digest = analysis.manifestDigest();
    image.shortDigest = shortDigest(analysis.manifestDigest());
    image.indexDigest = analysis.indexDigest();
    image.registry = analysis.reference().registry();
    image.repository = analysis.reference().repository();
    image.tag = analysis.reference().tag();
    image.platform = analysis.platform() == null ? null : analysis.platform().toString();
    image.created = analysis.config().created() == null ? null
        : analysis.config().created().truncatedTo(ChronoUnit.SECONDS).toString();
    if (analysis.inventory().os() != null) {
      ImageReportStatus.OsRef os = new ImageReportStatus.OsRef();
      os.family = analysis.inventory().os().family();
      os.version = analysis.inventory().os().version();
      os.endOfLife = analysis.inventory().os().endOfLife();
      image.os = os;
    }
    return image;
  }

  private ImageReportStatus.ScanInfo scan(ImageAnalysis analysis, VulnDbInfo vulnDb) {
    ImageReportStatus.ScanInfo scan = new ImageReportStatus.ScanInfo();
    scan.time = analysis.scannedAt().truncatedTo(ChronoUnit.SECONDS).toString();
    scan.durationMs = analysis.duration().toMillis();
    scan.scanner = scanner;
    if (vulnDb != null) {
      ImageReportStatus.VulnerabilityDbRef db = new ImageReportStatus.VulnerabilityDbRef();
      db.source = vulnDb.source();
      db.snapshot = vulnDb.snapshot();
      db.updated = vulnDb.updated() == null ? null : vulnDb.updated().truncatedTo(ChronoUnit.SECONDS).toString();
      scan.vulnerabilityDb = db;
    }
    return scan;
  }

  static ImageReportStatus.Summary summary(List<VulnerabilityMatch> all) {
    ImageReportStatus.Summary s = new ImageReportStatus.Summary();
    for (VulnerabilityMatch v : all) {
      switch (v.severity()) {
        case Critical -> s.critical++;
        case High -> s.high++;
        case Medium -> s.medium++;
        case Low -> s.low++;
        case Unknown -> s.unknown++;
      }
      if (v.fixable()) {
        s.fixable++;
      }
    }
    return s;
  }

  private static ImageReportStatus.Vulnerability vulnerability(VulnerabilityMatch m) {
    ImageReportStatus.Vulnerability v = new ImageReportStatus.Vulnerability();
    v.id = m.id();
    v.aliases = m.aliases();
    v.packageName = m.packageName();
    v.sourcePackage = m.sourcePackage();
    v.installedVersion = m.installedVersion();
    v.fixedVersion = m.fixedVersion();
    v.severity = m.severity();
    v.score = m.score();
    v.title = m.title();
    v.layer = m.layerDigest();
    v.link = m.link();
    v.ecosystem = m.ecosystem();
    v.path = m.path() == null || m.path().length() <= MAX_PATH_LENGTH ? m.path()
        : m.path().substring(0, MAX_PATH_LENGTH - 3) + "...";
    return v;
  }

  /** The first 12 hex characters, as `docker images` shows them. */
  public static String shortDigest(String digest) {
    if (digest == null) {
      return null;
    }
    int colon = digest.indexOf(':');
    String hex = colon < 0 ? digest : digest.substring(colon + 1);
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }

}
