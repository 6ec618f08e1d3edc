package dev.vigil.operator;

import dev.vigil.api.ImagePolicy;
import dev.vigil.workload.WorkloadSource;
import dev.vigil.policy.ImageGlob;
import dev.vigil.registry.ImageReference;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which namespaces and workloads an ImagePolicy governs: a policy in the operator's namespace
 * may select namespaces; a policy anywhere else governs only its own namespace.
 */
public final class PolicyScope {

  private final WorkloadSource workloads;
  private final String operatorNamespace;

  public PolicyScope(WorkloadSource workloads, String operatorNamespace) {
    this.workloads = workloads;
    this.operatorNamespace = operatorNamespace;
  }

  public Set<String> namespaces(ImagePolicy policy) {
    String own = policy.getMetadata().getNamespace();
    if (own.equals(operatorNamespace) && policy.getSpec().match != null
        && policy.getSpec().match.namespaceSelector != null) {
      return workloads.namespaces(policy.getSpec().match.namespaceSelector);
    }
    return Set.of(own);
  }

  /** Workloads the policy selects: namespace, label selector and, when given, image globs. */
  public int matchedWorkloads(ImagePolicy policy) {
    var match = policy.getSpec().match;
    List<ImageGlob> globs = match == null || match.images == null ? List.of()
        : match.images.stream().map(ImageGlob::compile).toList();
    return (int) workloads.workloads(namespaces(policy), match == null ? null : match.workloadSelector)
        .stream().filter(w -> globs.isEmpty() || runsMatchingImage(w, globs)).count();
  }

  private static boolean runsMatchingImage(Workload workload, List<ImageGlob> globs) {
    if (workload.podSpec() == null) {
      return false;
    }
    List<Container> all = new ArrayList<>(workload.podSpec().getContainers());
    all.addAll(workload.podSpec().getInitContainers());
    for (Container c : all) {
      String canonical;
      try {
        canonical = ImageReference.parse(c.getImage()).canonical();
      } catch (IllegalArgumentException | NullPointerException e) {
        continue;
      }
      if (globs.stream().anyMatch(g -> g.matches(canonical))) {
        return true;
      }
    }
    return false;
  }
}
