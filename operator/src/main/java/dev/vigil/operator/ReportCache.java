package dev.vigil.operator;

import dev.vigil.api.ImageReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

  private static String workloadKey(String namespace, String kind, String name) {
    return namespace + "/" + kind + "/" + name;
  }

  @Override
  public void close() {
    informer.close();
  }
}
