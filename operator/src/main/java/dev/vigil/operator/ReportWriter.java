package dev.vigil.operator;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.metrics.ReportMetrics;
import dev.vigil.scan.ReportStatusBuilder;
import dev.vigil.workload.ContainerImage;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes ImageReports: one per workload container, owned by the workload, named and labelled as
 * the API contract says, and patched only when something a reader would see changed.
 */
public final class ReportWriter {

  /** Annotation holding a hash of everything the report was computed from. */
  public static final String INPUTS_ANNOTATION = "vigil.dev/scan-inputs";

  public static final String REASON_SCAN_FAILED = "ScanFailed";

  /** Condition the update step owns: True when no better image exists. */
  public static final String CONDITION_UP_TO_DATE = "UpToDate";

  private static final int MAX_NAME = 63;

  private final KubernetesClient client;
  private final ReportCache cache;
  private final ReportMetrics metrics;
  private final Clock clock;

  public ReportWriter(KubernetesClient client, ReportCache cache, ReportMetrics metrics, Clock clock) {
    this.client = client;
    this.cache = cache;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The report's name: {@code <kind>-<workload>-<container>}, hash-shortened past 63 characters. */
  public static String name(Workload workload, String container) {
    String full = (workload.kind().name() + "-" + workload.name() + "-" + container).toLowerCase(Locale.ROOT);
    return shorten(full);
  }

  static String shorten(String value) {
    if (value.length() <= MAX_NAME) {
      return value;
    }
    String hash = sha256(value).substring(0, 10);
    String head = value.substring(0, MAX_NAME - 11).replaceAll("[-.]+$", "");
    return head + "-" + hash;
  }

  /** The report as the informer cache has it (may lag a write by the watch latency), or null. */
  public ImageReport existing(Workload workload, String container) {
    return cache.get(workload.namespace(), name(workload, container));
  }

  /** The report as the API server has it now, or null. */
  public ImageReport fetch(Workload workload, String container) {
    return client.resources(ImageReport.class).inNamespace(workload.namespace())
        .withName(name(workload, container)).get();
  }

  /** True when the existing report was computed from exactly these inputs. */
  public static boolean upToDate(ImageReport report, String inputs) {
    if (report == null || report.getMetadata().getAnnotations() == null || report.getStatus() == null) {
      return false;
    }
    return inputs.equals(report.getMetadata().getAnnotations().get(INPUTS_ANNOTATION))
        && Conditions.isTrue(report.getStatus(), ReportStatusBuilder.CONDITION_SCANNED);
  }

  /**
   * Writes a freshly computed status. Returns true when the API server was written to.
   * Fields the update step owns ({@code status.update}, condition UpToDate) are kept from the
   * existing report.
   */
  public boolean write(Workload workload, ContainerImage container, ImageReportStatus next, String inputs) {
    ImageReport existing = fetch(workload, container.container());
    ImageReportStatus previous = existing == null ? null : existing.getStatus();
    if (previous != null) {
      next.update = previous.update;
      keepTransitionTimes(previous, next);
      Conditions.find(previous, CONDITION_UP_TO_DATE).ifPresent(c -> {
        next.conditions.removeIf(n -> CONDITION_UP_TO_DATE.equals(n.getType()));
        next.conditions.add(c);
        next.conditions.sort(java.util.Comparator.comparing(Condition::getType));
      });
    }
    // A new report carries its inputs from its creation: adding them afterwards cost a GET and a
    // patch per report on a first run.
    ImageReport report = existing != null ? existing : create(workload, container, inputs);
    boolean annotationChanged = !inputs.equals(annotations(report).get(INPUTS_ANNOTATION));
    boolean statusChanged = previous == null || !StatusDiff.same(withoutVolatile(previous), withoutVolatile(next));
    if (annotationChanged) {
      report = client.resources(ImageReport.class).inNamespace(workload.namespace())
          .withName(report.getMetadata().getName())
          .edit(r -> {
            r.getMetadata().setAnnotations(new java.util.HashMap<>(annotations(r)));
            r.getMetadata().getAnnotations().put(INPUTS_ANNOTATION, inputs);
            return r;
          });
    }
    if (statusChanged) {
      report = patchStatus(report, next);
    }
    metrics.update(report.getStatus() == null ? withStatus(report, next) : report);
    return annotationChanged || statusChanged;
  }

  /**
   * Sets {@code status.update} and the UpToDate condition, and nothing else: the patch is computed
   * against the report as it is now, so a scan result written meanwhile is kept. Returns false
   * when the report does not exist (yet) or already says exactly this.
   *
   * @param upToDate True when there is no candidate; otherwise the condition says why not
   */
  public boolean writeUpdate(Workload workload, String container, ImageReportStatus.Update update,
      boolean upToDate, String reason, String message) {
    // Fresh, not from the cache: the scan may have created the report a moment ago, and the
    // watch that brings it into the cache lags; a decision (a rollout started, a history entry)
    // must not be dropped for that.
    ImageReport existing = fetch(workload, container);
    if (existing == null || existing.getStatus() == null) {
      return false;
    }
    ImageReportStatus wanted = withUpdate(existing.getStatus(), update, upToDate, reason, message);
    if (StatusDiff.same(existing.getStatus(), wanted)) {
      return false;
    }
    ImageReport written = client.resources(ImageReport.class).inNamespace(workload.namespace())
        .withName(existing.getMetadata().getName())
        .editStatus(r -> {
          r.setStatus(withUpdate(r.getStatus(), update, upToDate, reason, message));
          return r;
        });
    // vigil_image_update_available follows status.update now, not at the container's next scan.
    metrics.update(written);
    return true;
  }

  private ImageReportStatus withUpdate(ImageReportStatus current, ImageReportStatus.Update update,
      boolean upToDate, String reason, String message) {
    ImageReportStatus status = StatusDiff.copy(current, ImageReportStatus.class);
    status.update = update;
    Conditions.set(status, CONDITION_UP_TO_DATE, upToDate ? Conditions.TRUE : Conditions.FALSE, reason,
        message, null, clock);
    return status;
  }

  /**
   * Stops exporting the report's series: another replica scans its image now and exports them
   * (each report's series come from one replica, so sums over pods count it once).
   */
  public void forget(Workload workload, String container) {
    metrics.remove(workload.namespace(), name(workload, container));
  }

  /** Exports an unchanged report's metrics (after a restart the series start from the reports). */
  public void observe(ImageReport report) {
    metrics.update(report);
  }

  /**
   * Records a failed scan. The last good findings stay (never an empty report that hides known
   * findings); only the Scanned condition says what went wrong.
   */
  public void markFailed(Workload workload, ContainerImage container, String message) {
    ImageReport existing = fetch(workload, container.container());
    ImageReport report = existing != null ? existing : create(workload, container, null);
    ImageReportStatus status = report.getStatus() == null ? new ImageReportStatus()
        : StatusDiff.copy(report.getStatus(), ImageReportStatus.class);
    if (status.workload == null) {
      status.workload = workloadRef(workload, container);
    }
    if (status.image == null) {
      status.image = new ImageReportStatus.ImageInfo();
      status.image.reference = container.reference();
    }
    Conditions.set(status, ReportStatusBuilder.CONDITION_SCANNED, Conditions.FALSE, REASON_SCAN_FAILED,
        message.length() > 1024 ? message.substring(0, 1021) + "..." : message, null, clock);
    if (!StatusDiff.same(report.getStatus(), status)) {
      report = patchStatus(report, status);
    }
    metrics.update(report);
  }

  /** Deletes the reports of containers the workload no longer has. Returns how many. */
  public int deleteStale(Workload workload, Set<String> currentContainers) {
    List<ImageReport> reports = cache.ofWorkload(workload.namespace(), workload.kind().name(),
        shorten(workload.name()));
    int deleted = 0;
    for (ImageReport r : reports) {
      String container = r.getMetadata().getLabels().get(ImageReport.LABEL_CONTAINER);
      if (!currentContainers.contains(container)) {
        client.resource(r).delete();
        metrics.remove(r);
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes every report of a deleted workload (no garbage collector runs in every setup). */
  public void deleteAll(String namespace, String kind, String name) {
    for (ImageReport r : cache.ofWorkload(namespace, kind, shorten(name))) {
      client.resource(r).delete();
      metrics.remove(r);
    }
  }

  /** @param inputs the inputs annotation to create it with, null for none */
  private ImageReport create(Workload workload, ContainerImage container, String inputs) {
    ImageReport report = new ImageReport();
    report.setMetadata(new ObjectMetaBuilder()
        .withName(name(workload, container.container()))
        .withNamespace(workload.namespace())
        .withAnnotations(inputs == null ? null : Map.of(INPUTS_ANNOTATION, inputs))
        .withLabels(Map.of(
            ImageReport.LABEL_WORKLOAD_KIND, workload.kind().name(),
            ImageReport.LABEL_WORKLOAD_NAME, shorten(workload.name()),
            ImageReport.LABEL_CONTAINER, container.container()))
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(workload.resource().getApiVersion())
            .withKind(workload.resource().getKind())
            .withName(workload.name())
            .withUid(workload.resource().getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(false)
            .build())
        .build());
    try {
      return client.resource(report).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return fetch(workload, container.container());
      }
      throw e;
    }
  }

  private ImageReport patchStatus(ImageReport report, ImageReportStatus status) {
    return client.resources(ImageReport.class).inNamespace(report.getMetadata().getNamespace())
        .withName(report.getMetadata().getName())
        .editStatus(r -> {
          r.setStatus(status);
          return r;
        });
  }

  static ImageReportStatus.WorkloadRef workloadRef(Workload workload, ContainerImage container) {
    ImageReportStatus.WorkloadRef ref = new ImageReportStatus.WorkloadRef();
    ref.kind = workload.kind();
    ref.name = workload.name();
    ref.container = container.container();
    ref.containerType = container.containerType();
    return ref;
  }

  /** Scan time and duration change on every scan; they alone are no reason to write. */
  private static ImageReportStatus withoutVolatile(ImageReportStatus status) {
    ImageReportStatus copy = StatusDiff.copy(status, ImageReportStatus.class);
    if (copy.scan != null) {
      copy.scan.time = null;
      copy.scan.durationMs = null;
    }
    return copy;
  }

  private static void keepTransitionTimes(ImageReportStatus previous, ImageReportStatus next) {
    for (Condition c : next.conditions) {
      Conditions.find(previous, c.getType())
          .filter(p -> p.getStatus().equals(c.getStatus()))
          .ifPresent(p -> c.setLastTransitionTime(p.getLastTransitionTime()));
    }
  }

  private static ImageReport withStatus(ImageReport report, ImageReportStatus status) {
    report.setStatus(status);
    return report;
  }

  private static Map<String, String> annotations(ImageReport r) {
    return r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
