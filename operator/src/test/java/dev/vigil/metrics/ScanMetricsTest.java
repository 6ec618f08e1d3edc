package dev.vigil.metrics;

import dev.vigil.testsupport.MutableClock;
import static dev.vigil.metrics.MetricsFixtures.scrapeLines;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.metrics.ScanMetrics.RedeployResult;
import dev.vigil.metrics.ScanMetrics.ScanResult;
import dev.vigil.metrics.ScanMetrics.WebhookResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ScanMetricsTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MutableClock now = new MutableClock(NOW);
  private final AtomicLong records = new AtomicLong(0);
  private final AtomicReference<Instant> updated = new AtomicReference<>();
  private final ScanMetrics metrics =
      new ScanMetrics(registry, records::get, updated::get, now);

  @Test
  void everyResultCounterExistsAtZeroBeforeTheFirstEvent() {
    assertEquals(
        List.of(
            "vigil_redeploys_total{result=\"Blocked\"} 0.0",
            "vigil_redeploys_total{result=\"Failed\"} 0.0",
            "vigil_redeploys_total{result=\"RolledBack\"} 0.0",
            "vigil_redeploys_total{result=\"RolledOut\"} 0.0",
            "vigil_scans_total{result=\"cached\"} 0.0",
            "vigil_scans_total{result=\"failure\"} 0.0",
            "vigil_scans_total{result=\"success\"} 0.0",
            "vigil_vulndb_load_failures_total 0.0",
            "vigil_webhook_requests_total{result=\"accepted\"} 0.0",
            "vigil_webhook_requests_total{result=\"ratelimited\"} 0.0",
            "vigil_webhook_requests_total{result=\"rejected\"} 0.0",
            "vigil_webhook_requests_total{result=\"unauthorized\"} 0.0"),
        scrapeLines(registry, "vigil_").stream().filter(l -> l.contains("_total")).toList());
  }

  @Test
  void scansAreCountedByResultAndTimedInTheDurationHistogram() {
    metrics.scanFinished(Duration.ofMillis(80), ScanResult.SUCCESS);
    metrics.scanFinished(Duration.ofSeconds(42), ScanResult.SUCCESS);
    metrics.scanFinished(Duration.ofMinutes(20), ScanResult.FAILURE);
    metrics.scanServedFromCache();
    metrics.scanServedFromCache();

    assertEquals(
        List.of(
            "vigil_scans_total{result=\"cached\"} 2.0",
            "vigil_scans_total{result=\"failure\"} 1.0",
            "vigil_scans_total{result=\"success\"} 2.0"),
        scrapeLines(registry, "vigil_scans_total"));
    assertEquals(
        List.of(
            "vigil_scan_duration_seconds_bucket{le=\"+Inf\"} 3",
            "vigil_scan_duration_seconds_bucket{le=\"0.1\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"0.25\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"0.5\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"1.0\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"10.0\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"120.0\"} 2",
            "vigil_scan_duration_seconds_bucket{le=\"2.5\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"30.0\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"300.0\"} 2",
            "vigil_scan_duration_seconds_bucket{le=\"5.0\"} 1",
            "vigil_scan_duration_seconds_bucket{le=\"60.0\"} 2",
            "vigil_scan_duration_seconds_bucket{le=\"600.0\"} 2",
            "vigil_scan_duration_seconds_count 3",
            "vigil_scan_duration_seconds_max 1200.0",
            "vigil_scan_duration_seconds_sum 1242.08"),
        scrapeLines(registry, "vigil_scan_duration_seconds"));
  }

  @Test
  void vulnDbGaugesAreReadAtScrapeTime() {
    assertEquals(
        List.of("vigil_vulndb_age_seconds NaN", "vigil_vulndb_records 0.0"),
        scrapeLines(registry, "vigil_vulndb_").stream().filter(l -> !l.contains("_total")).toList(),
        "no database loaded yet");

    records.set(123_456);
    updated.set(NOW.minus(Duration.ofHours(3)));
    assertEquals(
        List.of("vigil_vulndb_age_seconds 10800.0", "vigil_vulndb_records 123456.0"),
        scrapeLines(registry, "vigil_vulndb_").stream()
            .filter(l -> !l.contains("_total"))
            .toList());

    now.set(NOW.plus(Duration.ofDays(2)));
    assertEquals(
        List.of("vigil_vulndb_age_seconds 183600.0"),
        scrapeLines(registry, "vigil_vulndb_age_seconds"));
  }

  @Test
  void supplierThatThrowsYieldsNaNInsteadOfBreakingTheScrape() {
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ScanMetrics(
        own,
        () -> {
          throw new IllegalStateException("database closed");
        },
        () -> {
          throw new IllegalStateException("database closed");
        });

    assertEquals(
        List.of("vigil_vulndb_age_seconds NaN", "vigil_vulndb_records NaN"),
        scrapeLines(own, "vigil_vulndb_").stream().filter(l -> !l.contains("_total")).toList());
  }

  @Test
  void loadFailuresRedeploysAndWebhookRequestsAreCounted() {
    metrics.vulnDbLoadFailed();
    metrics.redeployFinished(RedeployResult.ROLLED_OUT);
    metrics.redeployFinished(RedeployResult.ROLLED_OUT);
    metrics.redeployFinished(RedeployResult.ROLLED_BACK);
    metrics.redeployFinished(RedeployResult.BLOCKED);
    metrics.webhookRequest(WebhookResult.ACCEPTED);
    metrics.webhookRequest(WebhookResult.RATE_LIMITED);
    metrics.webhookRequest(WebhookResult.RATE_LIMITED);
    metrics.webhookRequest(WebhookResult.UNAUTHORIZED);

    assertEquals(
        List.of(
            "vigil_redeploys_total{result=\"Blocked\"} 1.0",
            "vigil_redeploys_total{result=\"Failed\"} 0.0",
            "vigil_redeploys_total{result=\"RolledBack\"} 1.0",
            "vigil_redeploys_total{result=\"RolledOut\"} 2.0",
            "vigil_vulndb_load_failures_total 1.0",
            "vigil_webhook_requests_total{result=\"accepted\"} 1.0",
            "vigil_webhook_requests_total{result=\"ratelimited\"} 2.0",
            "vigil_webhook_requests_total{result=\"rejected\"} 0.0",
            "vigil_webhook_requests_total{result=\"unauthorized\"} 1.0"),
        scrapeLines(registry, "vigil_").stream()
            .filter(
                l ->
                    l.startsWith("vigil_redeploys")
                        || l.startsWith("vigil_vulndb_load")
                        || l.startsWith("vigil_webhook"))
            .toList());
  }

  @Test
  void registryRequestsAreCountedByRegistryAndCode() {
    metrics.onRequest("docker.io", "200");
    metrics.onRequest("docker.io", "200");
    metrics.onRequest("docker.io", "401");
    metrics.onRequest("127.0.0.1:5000", "error");

    assertEquals(
        List.of(
            "vigil_registry_requests_total{code=\"200\",registry=\"docker.io\"} 2.0",
            "vigil_registry_requests_total{code=\"401\",registry=\"docker.io\"} 1.0",
            "vigil_registry_requests_total{code=\"error\",registry=\"127.0.0.1:5000\"} 1.0"),
        scrapeLines(registry, "vigil_registry_requests_total"));
  }

  @Test
  void registriesBeyondTheFiftiethAndOddCodesAreFoldedIntoOther() {
    for (int i = 0; i < 60; i++) {
      metrics.onRequest("registry-" + i + ".example.com", "200");
    }
    metrics.onRequest("registry-0.example.com", "200");
    metrics.onRequest("registry-59.example.com", "404");
    metrics.onRequest("docker.io", "999");
    metrics.onRequest("registry-1.example.com", null);
    metrics.onRequest(null, "200");

    List<String> lines = scrapeLines(registry, "vigil_registry_requests_total");
    assertEquals(ScanMetrics.MAX_REGISTRY_LABELS + 4, lines.size(), String.join("\n", lines));
    assertEquals(
        List.of(
            "vigil_registry_requests_total{code=\"200\",registry=\"other\"} 11.0",
            "vigil_registry_requests_total{code=\"404\",registry=\"other\"} 1.0",
            "vigil_registry_requests_total{code=\"other\",registry=\"other\"} 1.0"),
        lines.stream().filter(l -> l.contains("registry=\"other\"")).toList());
    assertEquals(
        List.of(
            "vigil_registry_requests_total{code=\"200\",registry=\"registry-0.example.com\"} 2.0"),
        lines.stream().filter(l -> l.contains("registry=\"registry-0.example.com\"")).toList());
    assertEquals(
        List.of(
            "vigil_registry_requests_total{code=\"200\",registry=\"registry-1.example.com\"} 1.0",
            "vigil_registry_requests_total{code=\"other\",registry=\"registry-1.example.com\"}"
                + " 1.0"),
        lines.stream().filter(l -> l.contains("registry=\"registry-1.example.com\"")).toList());
  }

}
