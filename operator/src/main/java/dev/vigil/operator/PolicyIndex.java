package dev.vigil.operator;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.policy.ImageGlob;
import dev.vigil.registry.ImageReference;
import dev.vigil.scan.NamedPolicy;
import dev.vigil.workload.LabelSelectorMatcher;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ImagePolicies that apply to a workload container, from an informer cache. Only policies
 * the reconciler found valid for their current generation count: an invalid policy says so in
 * its own status and governs nothing until fixed.
 */
public final class PolicyIndex implements AutoCloseable {

  /**
   * A policy that applies, with what identifies its version for change detection.
   *
   * @param policy name and spec as reports show them
   * @param namespace the policy's namespace, where the Secrets and ConfigMaps it names live
   * @param version uid and generation
   */
  public record Applicable(NamedPolicy policy, String namespace, String version) {}

  private final SharedIndexInformer<ImagePolicy> informer;
  private final String operatorNamespace;
  private final WorkloadSource namespaces;

  public PolicyIndex(KubernetesClient client, String operatorNamespace, WorkloadSource namespaces) {
    this.operatorNamespace = operatorNamespace;
    this.namespaces = namespaces;
    this.informer = client.resources(ImagePolicy.class).inAnyNamespace().runnableInformer(0);
  }

  /** Starts the informer and waits until its cache is filled. */
  public void start(java.time.Duration timeout) {
    InformerStart.awaitSynced(informer, "ImagePolicy", timeout);
  }

  public boolean hasSynced() {
    return informer.hasSynced();
  }

  /** Called on every policy change (the status the reconciler writes included). */
  public void onChange(Runnable listener) {
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ImagePolicy obj) {
        listener.run();
      }

      @Override
      public void onUpdate(ImagePolicy oldObj, ImagePolicy newObj) {
        if (!Objects.equals(version(oldObj), version(newObj)) || ready(oldObj) != ready(newObj)) {
          listener.run();
        }
      }

      @Override
      public void onDelete(ImagePolicy obj, boolean deletedFinalStateUnknown) {
        listener.run();
      }
    });
  }

  /** Policies governing this image in this workload, sorted by name. */
  public List<Applicable> applicable(Workload workload, String image) {
    String canonical;
    try {
      canonical = ImageReference.parse(image).canonical();
    } catch (IllegalArgumentException e) {
      canonical = image;
    }
    List<Applicable> out = new ArrayList<>();
    for (ImagePolicy p : informer.getStore().list()) {
      if (!ready(p) || !governs(p, workload, canonical)) {
        continue;
      }
      String ns = p.getMetadata().getNamespace();
      String name = ns.equals(workload.namespace()) ? p.getMetadata().getName() : ns + "/" + p.getMetadata().getName();
      out.add(new Applicable(new NamedPolicy(name, p.getSpec()), ns, version(p)));
    }
    out.sort(Comparator.comparing(a -> a.policy().name()));
    return out;
  }

  private boolean governs(ImagePolicy p, Workload workload, String canonicalImage) {
    String ns = p.getMetadata().getNamespace();
    var match = p.getSpec().match;
    if (ns.equals(operatorNamespace) && match != null && match.namespaceSelector != null) {
      if (!namespaces.namespaces(match.namespaceSelector).contains(workload.namespace())) {
        return false;
      }
    } else if (!ns.equals(workload.namespace())) {
      return false;
    }
    if (match == null) {
      return true;
    }
    Map<String, String> labels = workload.resource().getMetadata().getLabels();
    if (match.workloadSelector != null
        && !LabelSelectorMatcher.of(match.workloadSelector).matches(labels == null ? Map.of() : labels)) {
      return false;
    }
    if (match.images != null && !match.images.isEmpty()) {
      return match.images.stream().anyMatch(g -> {
        try {
          return ImageGlob.compile(g).matches(canonicalImage);
        } catch (IllegalArgumentException e) {
          return false;
        }
      });
    }
    return true;
  }

  private static boolean ready(ImagePolicy p) {
    return p.getStatus() != null && Conditions.isTrue(p.getStatus(), Conditions.READY)
        && Objects.equals(p.getStatus().observedGeneration, p.getMetadata().getGeneration());
  }

  private static String version(ImagePolicy p) {
    return p.getMetadata().getUid() + ":" + p.getMetadata().getGeneration();
  }

  @Override
  public void close() {
    informer.close();
  }
}
