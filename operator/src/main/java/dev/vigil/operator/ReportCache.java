package dev.vigil.operator;

import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ImageReports as an informer sees them, so a scheduled run decides "nothing changed" without
 * a request per container. Writers still read the object fresh before they change it.
 */
public final class ReportCache implements AutoCloseable {

  private static final String BY_WORKLOAD = "workload";

  private final SharedIndexInformer<ImageReport> informer;

  public ReportCache(KubernetesClient client) {
    informer = client.resources(ImageReport.class).inAnyNamespace().runnableInformer(0);
    informer.addIndexers(Map.of(BY_WORKLOAD, r -> {
      Map<String, String> labels = r.getMetadata().getLabels();
      if (labels == null) {
        return List.of();
      }
      return List.of(workloadKey(r.getMetadata().getNamespace(),
          labels.get(ImageReport.LABEL_WORKLOAD_KIND), labels.get(ImageReport.LABEL_WORKLOAD_NAME)));
    }));
  }

  /** Runs the action for every report deleted from now on, whoever deleted it. */
  public void onDelete(java.util.function.Consumer<ImageReport> action) {
    informer.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
      @Override
      public void onAdd(ImageReport report) {}

      @Override
      public void onUpdate(ImageReport before, ImageReport after) {}

      @Override
      public void onDelete(ImageReport report, boolean unknownFinalState) {
        action.accept(report);
      }
    });
  }

  public void start(Duration timeout) {
    InformerStart.awaitSynced(informer, "ImageReport", timeout);
  }

  public boolean hasSynced() {
    return informer.hasSynced();
  }

  /** The cached report, or null. */
  public ImageReport get(String namespace, String name) {
    return informer.getStore().getByKey(namespace + "/" + name);
  }

  /** Cached reports of one workload (by the contract's labels; the name label may be shortened). */
  public List<ImageReport> ofWorkload(String namespace, String kind, String shortenedName) {
    return informer.getIndexer().byIndex(BY_WORKLOAD, workloadKey(namespace, kind, shortenedName));
  }

  /**
   * Every image digest the cached reports name (running manifest, index, update candidate), or
   * null before the informer has synced (an empty set then would mean "nothing referenced").
   */
  public Set<String> referencedDigests() {
    if (!informer.hasSynced()) {
      return null;
    }
    Set<String> digests = new HashSet<>();
    for (ImageReport report : informer.getStore().list()) {
      ImageReportStatus status = report.getStatus();
      if (status == null) {
        continue;
      }
      if (status.image != null) {
        addIfSet(digests, status.image.digest);
        addIfSet(digests, status.image.indexDigest);
      }
      if (status.update != null && status.update.candidate != null) {
        addIfSet(digests, status.update.candidate.digest);
      }
    }
    return digests;
  }

  private static void addIfSet(Set<String> digests, String digest) {
    if (digest != null && !digest.isEmpty()) {
      digests.add(digest);
    }
  }

  private static String workloadKey(String namespace, String kind, String name) {
    return namespace + "/" + kind + "/" + name;
  }

  @Override
  public void close() {
    informer.close();
  }
}
