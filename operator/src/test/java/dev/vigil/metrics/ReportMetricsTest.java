package dev.vigil.metrics;

import static dev.vigil.metrics.MetricsFixtures.DIGEST_A;
import static dev.vigil.metrics.MetricsFixtures.DIGEST_B;
import static dev.vigil.metrics.MetricsFixtures.dbReport;
import static dev.vigil.metrics.MetricsFixtures.scrapeLines;
import static dev.vigil.metrics.MetricsFixtures.webReport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.Severity;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReportMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** The labels of the sample web report up to (excluding) the ones sorted after "namespace". */
  private static String web(String namespace, String digest) {
    return "container=\"nginx\",image_digest=\""
        + digest
        + "\",image_repository=\"docker.io/library/nginx\",image_tag=\"1.27\",namespace=\""
        + namespace
        + "\"";
  }

  private static final String WEB_WORKLOAD = "workload=\"web\",workload_kind=\"Deployment\"";

  private List<String> reportLines() {
    return scrapeLines(registry, "vigil_image_");
  }

  @Test
  void updateExportsEverySeriesOfAReportWithExactLabelsAndValues() {
    new ReportMetrics(registry, false).update(webReport("shop", DIGEST_A));

    String labels = web("shop", DIGEST_A);
    assertEquals(
        List.of(
            "vigil_image_compliant{" + labels + "," + WEB_WORKLOAD + "} 0.0",
            "vigil_image_findings{check=\"VIG-IMG-002\","
                + labels
                + ",severity=\"Medium\","
                + WEB_WORKLOAD
                + "} 1.0",
            "vigil_image_findings{check=\"VIG-WL-001\","
                + labels
                + ",severity=\"High\","
                + WEB_WORKLOAD
                + "} 1.0",
            "vigil_image_signature_verified{" + labels + "," + WEB_WORKLOAD + "} 1.0",
            "vigil_image_update_available{" + labels + "," + WEB_WORKLOAD + "} 1.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"Critical\","
                + WEB_WORKLOAD
                + "} 1.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"High\","
                + WEB_WORKLOAD
                + "} 4.0",
            "vigil_image_vulnerabilities{" + labels + ",severity=\"Low\"," + WEB_WORKLOAD + "} 3.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"Medium\","
                + WEB_WORKLOAD
                + "} 10.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"Unknown\","
                + WEB_WORKLOAD
                + "} 0.0"),
        reportLines());
  }

  @Test
  void changedStatusChangesValuesAndDropsResolvedFindings() {
    ReportMetrics metrics = new ReportMetrics(registry, false);
    metrics.update(webReport("shop", DIGEST_A));

    ImageReport fixed = webReport("shop", DIGEST_A);
    fixed.getStatus().summary.critical = 0;
    fixed.getStatus().summary.high = 1;
    fixed.getStatus().findings.remove(1);
    fixed.getStatus().compliance.compliant = true;
    fixed.getStatus().update.available = false;
    metrics.update(fixed);

    String labels = web("shop", DIGEST_A);
    assertEquals(
        List.of(
            "vigil_image_compliant{" + labels + "," + WEB_WORKLOAD + "} 1.0",
            "vigil_image_findings{check=\"VIG-IMG-002\","
                + labels
                + ",severity=\"Medium\","
                + WEB_WORKLOAD
                + "} 1.0",
            "vigil_image_signature_verified{" + labels + "," + WEB_WORKLOAD + "} 1.0",
            "vigil_image_update_available{" + labels + "," + WEB_WORKLOAD + "} 0.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"Critical\","
                + WEB_WORKLOAD
                + "} 0.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"High\","
                + WEB_WORKLOAD
                + "} 1.0",
            "vigil_image_vulnerabilities{" + labels + ",severity=\"Low\"," + WEB_WORKLOAD + "} 3.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"Medium\","
                + WEB_WORKLOAD
                + "} 10.0",
            "vigil_image_vulnerabilities{"
                + labels
                + ",severity=\"Unknown\","
                + WEB_WORKLOAD
                + "} 0.0"),
        reportLines());
  }

  @Test
  void digestChangeReplacesTheOldSeriesInsteadOfAddingNewOnes() {
    ReportMetrics metrics = new ReportMetrics(registry, true);
    metrics.update(webReport("shop", DIGEST_A));
    List<String> before = reportLines();

    metrics.update(webReport("shop", DIGEST_B));

    List<String> after = reportLines();
    assertEquals(before.stream().map(l -> l.replace(DIGEST_A, DIGEST_B)).sorted().toList(), after);
    assertTrue(registry.scrape().lines().noneMatch(l -> l.contains(DIGEST_A)), registry.scrape());
  }

  @Test
  void removeDeletesTheReportsSeriesAndKeepsOtherReports() {
    ReportMetrics metrics = new ReportMetrics(registry, true);
    metrics.update(webReport("shop", DIGEST_A));
    metrics.update(webReport("staging", DIGEST_A));
    metrics.update(dbReport("shop"));
    PrometheusMeterRegistry stagingAlone = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ReportMetrics(stagingAlone, true).update(webReport("staging", DIGEST_A));

    metrics.remove(webReport("shop", DIGEST_A));
    metrics.remove("shop", "statefulset-db-postgres");

    assertEquals(scrapeLines(stagingAlone, "vigil_image_"), reportLines());
    assertEquals(
        12, reportLines().size(), "5 severities, 2 findings, 3 0/1 gauges, 2 vulnerabilities");
    metrics.remove("staging", "deployment-web-nginx");
    assertEquals(List.of(), reportLines());
    assertEquals(
        List.of(),
        scrapeLines(registry, "# TYPE vigil_image_"),
        "no metric family without series is left behind");
  }

  @Test
  void removingAReportThatHasNoSeriesDoesNothing() {
    ReportMetrics metrics = new ReportMetrics(registry, false);
    metrics.update(dbReport("shop"));
    List<String> before = reportLines();

    metrics.remove("shop", "never-seen");

    assertEquals(before, reportLines());
  }

  @Test
  void notRequiredOrMissingSignatureHasNoSignatureSeries() {
    ReportMetrics metrics = new ReportMetrics(registry, false);
    metrics.update(dbReport("shop"));
    assertEquals(List.of(), scrapeLines(registry, "vigil_image_signature_verified"));

    ImageReport web = webReport("shop", DIGEST_A);
    metrics.update(web);
    assertEquals(1, scrapeLines(registry, "vigil_image_signature_verified").size());
    web.getStatus().signature.status = SignatureInfo.Status.NotRequired;
    metrics.update(web);
    assertEquals(
        List.of(),
        scrapeLines(registry, "vigil_image_signature_verified"),
        "a policy change to NotRequired removes the series");
    web.getStatus().signature = null;
    metrics.update(web);
    assertEquals(List.of(), scrapeLines(registry, "vigil_image_signature_verified"));
  }

  @Test
  void unsignedInvalidAndErrorSignaturesExportZero() {
    ReportMetrics metrics = new ReportMetrics(registry, false);
    ImageReport web = webReport("shop", DIGEST_A);
    for (SignatureInfo.Status status :
        List.of(
            SignatureInfo.Status.Unsigned,
            SignatureInfo.Status.Invalid,
            SignatureInfo.Status.Error)) {
      web.getStatus().signature.status = status;
      metrics.update(web);
      assertEquals(
          List.of(
              "vigil_image_signature_verified{"
                  + web("shop", DIGEST_A)
                  + ","
                  + WEB_WORKLOAD
                  + "} 0.0"),
          scrapeLines(registry, "vigil_image_signature_verified"),
          status.name());
    }
  }

  @Test
  void perVulnerabilitySeriesAreExportedOnlyWhenEnabled() {
    new ReportMetrics(registry, false).update(webReport("shop", DIGEST_A));
    assertEquals(List.of(), scrapeLines(registry, "vigil_image_vulnerability{"));

    PrometheusMeterRegistry withSeries = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ReportMetrics(withSeries, true).update(webReport("shop", DIGEST_A));
    String labels = web("shop", DIGEST_A);
    assertEquals(
        List.of(
            "vigil_image_vulnerability{"
                + labels
                + ",package=\"libc6\",severity=\"High\","
                + "vulnerability_id=\"CVE-2024-0002\","
                + WEB_WORKLOAD
                + "} 1.0",
            "vigil_image_vulnerability{"
                + labels
                + ",package=\"openssl\",severity=\"Critical\","
                + "vulnerability_id=\"CVE-2024-0001\","
                + WEB_WORKLOAD
                + "} 1.0"),
        scrapeLines(withSeries, "vigil_image_vulnerability{"));
  }

  @Test
  void repeatedFindingIdsAreCountedInOneSeries() {
    ImageReport web = webReport("shop", DIGEST_A);
    web.getStatus().findings.add(web.getStatus().findings.get(0));
    new ReportMetrics(registry, false).update(web);

    assertEquals(
        List.of(
            "vigil_image_findings{check=\"VIG-IMG-002\","
                + web("shop", DIGEST_A)
                + ",severity=\"Medium\","
                + WEB_WORKLOAD
                + "} 2.0",
            "vigil_image_findings{check=\"VIG-WL-001\","
                + web("shop", DIGEST_A)
                + ",severity=\"High\","
                + WEB_WORKLOAD
                + "} 1.0"),
        scrapeLines(registry, "vigil_image_findings"));
  }

  @Test
  void reportWithoutStatusHasNoSeriesAndClearsEarlierOnes() {
    ReportMetrics metrics = new ReportMetrics(registry, false);
    ImageReport web = webReport("shop", DIGEST_A);
    metrics.update(web);

    web.setStatus(null);
    metrics.update(web);

    assertEquals(List.of(), reportLines());
  }

  @Test
  void workloadLabelsComeFromTheReportLabelsWhenStatusLacksThem() {
    ImageReport web = webReport("shop", DIGEST_A);
    web.getStatus().workload = null;
    web.getStatus().summary = null;
    web.getStatus().findings.clear();
    web.getStatus().signature = null;
    web.getStatus().update = null;
    new ReportMetrics(registry, false).update(web);

    assertEquals(
        List.of("vigil_image_compliant{" + web("shop", DIGEST_A) + "," + WEB_WORKLOAD + "} 0.0"),
        reportLines());
  }

  @Test
  void reportWithoutNamespaceOrNameIsRejectedWithAMessage() {
    ReportMetrics metrics = new ReportMetrics(registry, false);
    ImageReport web = webReport("shop", DIGEST_A);
    web.getMetadata().setNamespace(null);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> metrics.update(web));
    assertEquals(
        "ImageReport needs metadata.namespace and metadata.name, got null/"
            + "deployment-web-nginx",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> metrics.remove("shop", ""));
    assertEquals(List.of(), reportLines());
  }

  @Test
  void twoReportsDescribingTheSameSeriesDoNotDeleteEachOthersSeries() {
    ReportMetrics metrics = new ReportMetrics(registry, false);
    ImageReport first = webReport("shop", DIGEST_A);
    ImageReport second = webReport("shop", DIGEST_A);
    second.getMetadata().setName("deployment-web-nginx-copy");
    second.getStatus().summary.critical = 7;
    metrics.update(first);
    metrics.update(second);

    metrics.remove(first);

    assertEquals(
        List.of(
            "vigil_image_vulnerabilities{"
                + web("shop", DIGEST_A)
                + ",severity=\"Critical\","
                + WEB_WORKLOAD
                + "} 7.0"),
        scrapeLines(registry, "vigil_image_vulnerabilities").stream()
            .filter(l -> l.contains("Critical"))
            .toList());
    metrics.remove(second);
    assertEquals(List.of(), reportLines());
  }

  @Test
  void concurrentUpdatesAndRemovalsEndInExactlyTheLastStateOfEachReport() throws Exception {
    ReportMetrics metrics = new ReportMetrics(registry, true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    String namespace = "ns-" + thread + "-" + (i % 10);
                    metrics.update(webReport(namespace, (i / 10) % 2 == 0 ? DIGEST_A : DIGEST_B));
                    if (i % 10 == 9) {
                      metrics.remove(namespace, "deployment-web-nginx");
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    // Each namespace changes digest every round of 10; the last round (i = 190..199) used
    // DIGEST_B, and ns-t-9 was removed right after its last update.
    List<String> lines = reportLines();
    assertEquals(4 * 9 * 12, lines.size());
    assertTrue(lines.stream().allMatch(l -> l.contains(DIGEST_B)));
    assertTrue(lines.stream().noneMatch(l -> l.matches(".*namespace=\"ns-\\d-9\".*")));
  }

  @Test
  void findingAndVulnerabilityWithoutSeverityAreLabelledUnknown() {
    ImageReport web = webReport("shop", DIGEST_A);
    web.getStatus().findings.get(0).setSeverity(null);
    web.getStatus().vulnerabilities.get(0).severity = null;
    web.getStatus().findings.remove(1);
    web.getStatus().vulnerabilities.remove(1);
    new ReportMetrics(registry, true).update(web);

    assertEquals(
        List.of(
            "vigil_image_findings{check=\"VIG-IMG-002\","
                + web("shop", DIGEST_A)
                + ",severity=\""
                + Severity.Unknown
                + "\","
                + WEB_WORKLOAD
                + "} 1.0"),
        scrapeLines(registry, "vigil_image_findings"));
    assertEquals(
        List.of(
            "vigil_image_vulnerability{"
                + web("shop", DIGEST_A)
                + ",package=\"openssl\",severity=\"Unknown\",vulnerability_id=\"CVE-2024-0001\","
                + WEB_WORKLOAD
                + "} 1.0"),
        scrapeLines(registry, "vigil_image_vulnerability{"));
  }
}
