package dev.vigil.metrics;

import dev.vigil.registry.RegistryRequestListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Counters and gauges about the operator's own work: scans, registry requests, the vulnerability
 * database, redeploys and webhook requests. One method per event; callers never see Micrometer
 * types.
 */
public final class ScanMetrics implements RegistryRequestListener {

  /** How many distinct registries get their own label value; later ones count as "other". */
  public static final int MAX_REGISTRY_LABELS = 50;

  static final String OTHER = "other";

  /** Scan duration buckets: quick rescans of small images up to the 10-minute worst case. */
  private static final Duration[] SCAN_BUCKETS = {
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10)
  };

  private static final Pattern HTTP_STATUS = Pattern.compile("[1-5][0-9][0-9]");

  /** How a scan of one image ended. */
  public enum ScanResult {
    SUCCESS("success"),
    FAILURE("failure");

    final String label;

    ScanResult(String label) {
      this.label = label;
    }
  }

  /** How one redeploy of a workload ended. */
  public enum RedeployResult {
    ROLLED_OUT("RolledOut"),
    ROLLED_BACK("RolledBack"),
    FAILED("Failed"),
    BLOCKED("Blocked");

    final String label;

    RedeployResult(String label) {
      this.label = label;
    }
  }

  /** What the registry webhook endpoint did with one request. */
  public enum WebhookResult {
    ACCEPTED("accepted"),
    UNAUTHORIZED("unauthorized"),
    REJECTED("rejected"),
    RATE_LIMITED("ratelimited");

    final String label;

    WebhookResult(String label) {
      this.label = label;
    }
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<ScanResult, Counter> scans = new EnumMap<>(ScanResult.class);
  private final Counter cachedScans;
  private final Timer scanDuration;
  private final Counter vulnDbLoadFailures;
  private final Map<RedeployResult, Counter> redeploys = new EnumMap<>(RedeployResult.class);
  private final Map<WebhookResult, Counter> webhooks = new EnumMap<>(WebhookResult.class);
  private final Set<String> registryLabels = ConcurrentHashMap.newKeySet();

  /**
   * Registers the meters. Every result counter exists from the start (at 0), so rate ratios and
   * alerts see the series before the first event of each kind.
   *
   * @param records how many records the loaded vulnerability database holds
   * @param updated when the loaded database was last updated at its source; null when none is
   *     loaded (the age gauge is then NaN)
   * @param clock the clock the database age is computed with at scrape time
   */
  public ScanMetrics(
      MeterRegistry registry, LongSupplier records, Supplier<Instant> updated, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(updated, "updated");
    for (ScanResult r : ScanResult.values()) {
      scans.put(r, scanCounter(r.label));
    }
    cachedScans = scanCounter("cached");
    scanDuration =
        Timer.builder("vigil.scan.duration")
            .description("Time to scan one image (cached results are not timed)")
            .serviceLevelObjectives(SCAN_BUCKETS)
            .register(registry);
    Gauge.builder("vigil.vulndb.records", () -> recordCount(records))
        .description("Records in the loaded vulnerability database")
        .register(registry);
    Gauge.builder("vigil.vulndb.age", () -> ageSeconds(updated))
        .description("Seconds since the loaded vulnerability database was updated at its source")
        .baseUnit("seconds")
        .register(registry);
    vulnDbLoadFailures =
        Counter.builder("vigil.vulndb.load.failures")
            .description("Failed attempts to download or load the vulnerability database")
            .register(registry);
    for (RedeployResult r : RedeployResult.values()) {
      redeploys.put(
          r,
          Counter.builder("vigil.redeploys")
              .description("Redeploys of workloads to rebuilt or newer images, by outcome")
              .tag("result", r.label)
              .register(registry));
    }
    for (WebhookResult r : WebhookResult.values()) {
      webhooks.put(
          r,
          Counter.builder("vigil.webhook.requests")
              .description("Registry webhook requests, by what was done with them")
              .tag("result", r.label)
              .register(registry));
    }
  }

  /** As above, with the system clock. */
  public ScanMetrics(MeterRegistry registry, LongSupplier records, Supplier<Instant> updated) {
    this(registry, records, updated, Clock.systemUTC());
  }

  /** An image was scanned (or the scan failed) after {@code duration}. */
  public void scanFinished(Duration duration, ScanResult result) {
    Objects.requireNonNull(result, "result");
    scans.get(result).increment();
    scanDuration.record(duration.isNegative() ? Duration.ZERO : duration);
  }

  /** An image's report was served from the cache instead of scanning it again. */
  public void scanServedFromCache() {
    cachedScans.increment();
  }

  /** Downloading or loading the vulnerability database failed. */
  public void vulnDbLoadFailed() {
    vulnDbLoadFailures.increment();
  }

  /** A redeploy reached a final state. */
  public void redeployFinished(RedeployResult result) {
    redeploys.get(Objects.requireNonNull(result, "result")).increment();
  }

  /** The registry webhook endpoint handled one request. */
  public void webhookRequest(WebhookResult result) {
    webhooks.get(Objects.requireNonNull(result, "result")).increment();
  }

  /**
   * Counts one registry HTTP exchange. The registry label keeps the first {@value
   * #MAX_REGISTRY_LABELS} registries seen; the rest count as "other", so a workload naming many
   * registries cannot blow up the series count. Codes that are not HTTP status codes or "error"
   * also count as "other". Never throws.
   */
  @Override
  public void onRequest(String registry, String code) {
    try {
      Counter.builder("vigil.registry.requests")
          .description("HTTP requests to container registries, by registry and status code")
          .tag("registry", registryLabel(registry))
          .tag("code", codeLabel(code))
          .register(this.registry)
          .increment();
    } catch (RuntimeException e) {
      // A metrics problem must never fail an image pull; the listener contract says so.
    }
  }

  private String registryLabel(String registry) {
    if (registry == null || registry.isEmpty()) {
      return OTHER;
    }
    if (registryLabels.contains(registry)) {
      return registry;
    }
    synchronized (registryLabels) {
      if (registryLabels.contains(registry)) {
        return registry;
      }
      if (registryLabels.size() < MAX_REGISTRY_LABELS) {
        registryLabels.add(registry);
        return registry;
      }
      return OTHER;
    }
  }

  private static String codeLabel(String code) {
    if (code != null && ("error".equals(code) || HTTP_STATUS.matcher(code).matches())) {
      return code;
    }
    return OTHER;
  }

  private Counter scanCounter(String result) {
    return Counter.builder("vigil.scans")
        .description("Image scans, by result: success, failure or cached (report reused)")
        .tag("result", result)
        .register(registry);
  }

  private static double recordCount(LongSupplier records) {
    try {
      return records.getAsLong();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private double ageSeconds(Supplier<Instant> updated) {
    Instant when;
    try {
      when = updated.get();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
    if (when == null) {
      return Double.NaN;
    }
    return Duration.between(when, clock.instant()).toMillis() / 1000.0;
  }
}
