package dev.vigil.metrics;

import dev.vigil.api.Finding;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.Severity;
import dev.vigil.api.WorkloadKind;
import dev.vigil.metrics.ScanMetrics.RedeployResult;
import dev.vigil.metrics.ScanMetrics.ScanResult;
import dev.vigil.metrics.ScanMetrics.WebhookResult;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * ImageReports as the operator writes them, a registry with every Vigil metric, and a way to read
 * back what a scrape exports.
 */
public final class MetricsFixtures {

  public static final String DIGEST_A =
      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  public static final String DIGEST_B =
      "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

  private MetricsFixtures() {}

  /**
   * Deployment {@code web}, container {@code nginx}, running docker.io/library/nginx:1.27 at {@code
   * digest}: 1 Critical, 4 High, 10 Medium, 3 Low; findings VIG-IMG-002 (Medium) and VIG-WL-001
   * (High); not compliant; signature Verified; an update available; two vulnerabilities listed.
   */
  public static ImageReport webReport(String namespace, String digest) {
    ImageReport report = new ImageReport();
    report.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName("deployment-web-nginx")
            .addToLabels(ImageReport.LABEL_WORKLOAD_KIND, "Deployment")
            .addToLabels(ImageReport.LABEL_WORKLOAD_NAME, "web")
            .addToLabels(ImageReport.LABEL_CONTAINER, "nginx")
            .build());
    ImageReportStatus s = new ImageReportStatus();
    s.workload = new ImageReportStatus.WorkloadRef();
    s.workload.kind = WorkloadKind.Deployment;
    s.workload.name = "web";
    s.workload.container = "nginx";
    s.image = new ImageReportStatus.ImageInfo();
    s.image.reference = "nginx:1.27";
    s.image.registry = "docker.io";
    s.image.repository = "library/nginx";
    s.image.tag = "1.27";
    s.image.digest = digest;
    s.summary = new ImageReportStatus.Summary();
    s.summary.critical = 1;
    s.summary.high = 4;
    s.summary.medium = 10;
    s.summary.low = 3;
    s.summary.unknown = 0;
    s.summary.findings = 2;
    s.vulnerabilities.add(vulnerability("CVE-2024-0001", "openssl", Severity.Critical));
    s.vulnerabilities.add(vulnerability("CVE-2024-0002", "libc6", Severity.High));
    s.findings.add(
        new Finding(
            "VIG-IMG-002",
            Finding.Category.Image,
            Severity.Medium,
            "setuid/setgid files present",
            List.of("/usr/bin/su"),
            "drop the setuid bit"));
    s.findings.add(
        new Finding(
            "VIG-WL-001",
            Finding.Category.Workload,
            Severity.High,
            "container may run as root",
            List.of("nginx"),
            "set runAsNonRoot"));
    s.compliance = new ImageReportStatus.Compliance();
    s.compliance.compliant = false;
    s.compliance.reasons.add("1 Critical vulnerability");
    s.signature = new SignatureInfo();
    s.signature.status = SignatureInfo.Status.Verified;
    s.update = new ImageReportStatus.Update();
    s.update.available = true;
    s.update.state = ImageReportStatus.Update.State.Available;
    report.setStatus(s);
    return report;
  }

  /** StatefulSet {@code db}, container {@code postgres}: clean, compliant, no signature needed. */
  public static ImageReport dbReport(String namespace) {
    ImageReport report = new ImageReport();
    report.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName("statefulset-db-postgres")
            .build());
    ImageReportStatus s = new ImageReportStatus();
    s.workload = new ImageReportStatus.WorkloadRef();
    s.workload.kind = WorkloadKind.StatefulSet;
    s.workload.name = "db";
    s.workload.container = "postgres";
    s.image = new ImageReportStatus.ImageInfo();
    s.image.registry = "registry.example.com";
    s.image.repository = "data/postgres";
    s.image.digest = DIGEST_B;
    s.summary = new ImageReportStatus.Summary();
    s.compliance = new ImageReportStatus.Compliance();
    s.compliance.compliant = true;
    s.signature = new SignatureInfo();
    s.signature.status = SignatureInfo.Status.NotRequired;
    s.update = new ImageReportStatus.Update();
    s.update.available = false;
    report.setStatus(s);
    return report;
  }

  private static ImageReportStatus.Vulnerability vulnerability(
      String id, String pkg, Severity severity) {
    ImageReportStatus.Vulnerability v = new ImageReportStatus.Vulnerability();
    v.id = id;
    v.packageName = pkg;
    v.severity = severity;
    v.installedVersion = "1.0";
    return v;
  }

  /** The registry the operator serves, with every Vigil metric family present. */
  public static PrometheusMeterRegistry populatedRegistry() {
    PrometheusMeterRegistry registry = MetricsRegistryFactory.create();
    ReportMetrics reports = new ReportMetrics(registry, true);
    reports.update(webReport("shop", DIGEST_A));
    reports.update(dbReport("shop"));
    ScanMetrics scans = new ScanMetrics(registry, () -> 1000, () -> Instant.now().minusSeconds(60));
    scans.scanFinished(Duration.ofSeconds(3), ScanResult.SUCCESS);
    scans.scanServedFromCache();
    scans.onRequest("docker.io", "200");
    scans.vulnDbLoadFailed();
    scans.redeployFinished(RedeployResult.ROLLED_OUT);
    scans.webhookRequest(WebhookResult.ACCEPTED);
    return registry;
  }

  /** The sample lines of a scrape whose series name starts with {@code prefix}, sorted. */
  public static List<String> scrapeLines(PrometheusMeterRegistry registry, String prefix) {
    return registry.scrape().lines().filter(l -> l.startsWith(prefix)).sorted().toList();
  }
}
