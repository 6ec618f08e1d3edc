package dev.vigil.metrics;

import dev.vigil.api.Finding;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.Severity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges describing each ImageReport: vulnerability counts, findings, compliance, signature and
 * update state, labelled with the workload container and image the report is about.
 *
 * <p>Every series belongs to the report that last set it. {@link #update} replaces a report's
 * series set with the one its current status implies (series it no longer implies, e.g. after a
 * digest change, are removed from the registry); {@link #remove} deletes them all. Thread-safe:
 * changes are serialised on this object; scrapes read the values without locking.
 *
 * <p>Use one instance per registry: the gauges are registered under fixed names.
 */
public final class ReportMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(ReportMetrics.class);

  static final String VULNERABILITIES = "vigil.image.vulnerabilities";
  static final String FINDINGS = "vigil.image.findings";
  static final String COMPLIANT = "vigil.image.compliant";
  static final String SIGNATURE_VERIFIED = "vigil.image.signature.verified";
  static final String UPDATE_AVAILABLE = "vigil.image.update.available";
  static final String VULNERABILITY = "vigil.image.vulnerability";

  private static final Map<String, String> DESCRIPTIONS =
      Map.of(
          VULNERABILITIES, "Vulnerabilities in the image a workload container runs, by severity",
          FINDINGS, "Image, workload and registry check findings, by check id and severity",
          COMPLIANT, "1 when the image meets every matching ImagePolicy, 0 when not",
          SIGNATURE_VERIFIED,
              "1 when the running image's signature verified, 0 when unsigned, invalid or"
                  + " unverifiable; absent when no policy requires a signature",
          UPDATE_AVAILABLE, "1 when a rebuilt or newer candidate image is available, else 0",
          VULNERABILITY, "1 for each vulnerability id and package found in the image");

  private final MeterRegistry registry;
  private final boolean perVulnerabilitySeries;

  /** What each report contributes: series identity to value. Guarded by {@code this}. */
  private final Map<ReportKey, Map<SeriesKey, Long>> byReport = new HashMap<>();

  /** Every series this object has registered. Guarded by {@code this}. */
  private final Map<SeriesKey, Series> series = new HashMap<>();

  /**
   * @param registry where the gauges are registered
   * @param perVulnerabilitySeries also export {@code vigil_image_vulnerability}, one series per
   *     vulnerability and package: useful for drill-down, but as many series as findings
   */
  public ReportMetrics(MeterRegistry registry, boolean perVulnerabilitySeries) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.perVulnerabilitySeries = perVulnerabilitySeries;
  }

  /**
   * Makes the report's series match its current status. A report without status (not scanned yet)
   * has no series.
   *
   * @throws IllegalArgumentException when the report has no namespace or name
   */
  public synchronized void update(ImageReport report) {
    ReportKey key = ReportKey.of(report);
    Map<SeriesKey, Long> wanted = seriesOf(report);
    Map<SeriesKey, Long> previous = byReport.getOrDefault(key, Map.of());
    for (SeriesKey gone : previous.keySet()) {
      if (!wanted.containsKey(gone)) {
        unregister(key, gone);
      }
    }
    Set<ReportKey> displaced = new TreeSet<>();
    for (Map.Entry<SeriesKey, Long> e : wanted.entrySet()) {
      ReportKey previousOwner = set(key, e.getKey(), e.getValue());
      if (previousOwner != null) {
        displaced.add(previousOwner);
      }
    }
    if (!displaced.isEmpty()) {
      // Two reports describing the same workload container and image: the later one wins,
      // and the earlier one must not delete the series when it changes or goes away.
      LOG.warn(
          "reports {} and {} describe the same workload container and image; "
              + "their shared series now show the values of {}",
          displaced,
          key,
          key);
    }
    if (wanted.isEmpty()) {
      byReport.remove(key);
    } else {
      byReport.put(key, wanted);
    }
  }

  /** Deletes every series of the report (e.g. when the report is deleted). */
  public void remove(ImageReport report) {
    ReportKey key = ReportKey.of(report);
    remove(key.namespace(), key.name());
  }

  /** Deletes every series of the report {@code namespace/name}; nothing when it has none. */
  public synchronized void remove(String namespace, String name) {
    ReportKey key = new ReportKey(namespace, name);
    Map<SeriesKey, Long> previous = byReport.remove(key);
    if (previous != null) {
      for (SeriesKey gone : previous.keySet()) {
        unregister(key, gone);
      }
    }
  }

  /** Sets one series; returns the report it was taken from, if another report owned it. */
  private ReportKey set(ReportKey owner, SeriesKey id, long value) {
    Series existing = series.get(id);
    if (existing == null) {
      AtomicLong holder = new AtomicLong(value);
      Meter meter =
          Gauge.builder(id.name(), holder, AtomicLong::doubleValue)
              .description(DESCRIPTIONS.get(id.name()))
              .tags(id.tags())
              .strongReference(true)
              .register(registry);
      series.put(id, new Series(owner, holder, meter));
      return null;
    }
    ReportKey displaced = null;
    if (!existing.owner.equals(owner)) {
      displaced = existing.owner;
      Map<SeriesKey, Long> displacedSeries = byReport.get(displaced);
      if (displacedSeries != null) {
        displacedSeries.remove(id);
        if (displacedSeries.isEmpty()) {
          byReport.remove(displaced);
        }
      }
      existing.owner = owner;
    }
    existing.value.set(value);
    return displaced;
  }

  private void unregister(ReportKey owner, SeriesKey id) {
    Series s = series.get(id);
    if (s != null && s.owner.equals(owner)) {
      series.remove(id);
      registry.remove(s.meter);
    }
  }

  /** The series a report's status implies, in a stable order. */
  private Map<SeriesKey, Long> seriesOf(ImageReport report) {
    Map<SeriesKey, Long> out = new LinkedHashMap<>();
    ImageReportStatus status = report.getStatus();
    if (status == null) {
      return out;
    }
    Tags base = baseTags(report, status);
    ImageReportStatus.Summary summary = status.summary;
    if (summary != null) {
      out.put(severitySeries(VULNERABILITIES, base, Severity.Critical), count(summary.critical));
      out.put(severitySeries(VULNERABILITIES, base, Severity.High), count(summary.high));
      out.put(severitySeries(VULNERABILITIES, base, Severity.Medium), count(summary.medium));
      out.put(severitySeries(VULNERABILITIES, base, Severity.Low), count(summary.low));
      out.put(severitySeries(VULNERABILITIES, base, Severity.Unknown), count(summary.unknown));
    }
    if (status.findings != null) {
      for (Finding f : status.findings) {
        if (f == null) {
          continue;
        }
        SeriesKey id =
            new SeriesKey(
                FINDINGS,
                base.and("check", text(f.getId())).and("severity", severityLabel(f.getSeverity())));
        out.merge(id, 1L, Long::sum);
      }
    }
    if (status.compliance != null && status.compliance.compliant != null) {
      out.put(new SeriesKey(COMPLIANT, base), status.compliance.compliant ? 1L : 0L);
    }
    Long verified = signatureValue(status.signature);
    if (verified != null) {
      out.put(new SeriesKey(SIGNATURE_VERIFIED, base), verified);
    }
    if (status.update != null && status.update.available != null) {
      out.put(new SeriesKey(UPDATE_AVAILABLE, base), status.update.available ? 1L : 0L);
    }
    if (perVulnerabilitySeries && status.vulnerabilities != null) {
      for (ImageReportStatus.Vulnerability v : status.vulnerabilities) {
        if (v == null) {
          continue;
        }
        SeriesKey id =
            new SeriesKey(
                VULNERABILITY,
                base.and("vulnerability_id", text(v.id))
                    .and("package", text(v.packageName))
                    .and("severity", severityLabel(v.severity)));
        out.put(id, 1L);
      }
    }
    return out;
  }

  /** 1 verified, 0 not, null when there is nothing to say (NotRequired or no result yet). */
  private static Long signatureValue(SignatureInfo signature) {
    if (signature == null || signature.status == null) {
      return null;
    }
    return switch (signature.status) {
      case Verified -> 1L;
      case Unsigned, Invalid, Error -> 0L;
      case NotRequired -> null;
    };
  }

  private static Tags baseTags(ImageReport report, ImageReportStatus status) {
    Map<String, String> labels =
        report.getMetadata().getLabels() == null ? Map.of() : report.getMetadata().getLabels();
    ImageReportStatus.WorkloadRef workload = status.workload;
    String kind =
        workload != null && workload.kind != null
            ? workload.kind.name()
            : labels.get(ImageReport.LABEL_WORKLOAD_KIND);
    String name =
        workload != null && workload.name != null
            ? workload.name
            : labels.get(ImageReport.LABEL_WORKLOAD_NAME);
    String container =
        workload != null && workload.container != null
            ? workload.container
            : labels.get(ImageReport.LABEL_CONTAINER);
    ImageReportStatus.ImageInfo image = status.image;
    return Tags.of(
        Tag.of("namespace", text(report.getMetadata().getNamespace())),
        Tag.of("workload_kind", text(kind)),
        Tag.of("workload", text(name)),
        Tag.of("container", text(container)),
        Tag.of("image_repository", image == null ? "" : repository(image)),
        Tag.of("image_tag", image == null ? "" : text(image.tag)),
        Tag.of("image_digest", image == null ? "" : text(image.digest)));
  }

  /**
   * Registry and repository together ("docker.io/library/nginx"): the repository path alone would
   * merge images of the same name from different registries.
   */
  private static String repository(ImageReportStatus.ImageInfo image) {
    String repo = text(image.repository);
    if (image.registry == null || image.registry.isEmpty()) {
      return repo;
    }
    return repo.isEmpty() ? image.registry : image.registry + "/" + repo;
  }

  private static SeriesKey severitySeries(String name, Tags base, Severity severity) {
    return new SeriesKey(name, base.and("severity", severity.name()));
  }

  private static String severityLabel(Severity severity) {
    return (severity == null ? Severity.Unknown : severity).name();
  }

  private static long count(Integer n) {
    return n == null ? 0 : n;
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  /** The report a series set belongs to. */
  private record ReportKey(String namespace, String name) implements Comparable<ReportKey> {
    ReportKey {
      if (namespace == null || namespace.isEmpty() || name == null || name.isEmpty()) {
        throw new IllegalArgumentException(
            "ImageReport needs metadata.namespace and metadata.name, got "
                + namespace
                + "/"
                + name);
      }
    }

    static ReportKey of(ImageReport report) {
      if (report == null || report.getMetadata() == null) {
        throw new IllegalArgumentException("ImageReport without metadata");
      }
      return new ReportKey(report.getMetadata().getNamespace(), report.getMetadata().getName());
    }

    @Override
    public int compareTo(ReportKey o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /** One exported series: metric name and its full label set. */
  private record SeriesKey(String name, Tags tags) {}

  /** A registered gauge, its value and the report that currently owns it. */
  private static final class Series {
    ReportKey owner;
    final AtomicLong value;
    final Meter meter;

    Series(ReportKey owner, AtomicLong value, Meter meter) {
      this.owner = owner;
      this.value = value;
      this.meter = meter;
    }
  }
}
