package dev.vigil.workload;

import dev.vigil.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Reads workloads with list calls against the API server. */
public final class ClusterWorkloadSource implements WorkloadSource {

  private final KubernetesClient client;

  public ClusterWorkloadSource(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Set<String> namespaces(LabelSelector namespaceSelector) {
    List<Namespace> items =
        namespaceSelector == null
            ? client.namespaces().list().getItems()
            : client.namespaces().withLabelSelector(namespaceSelector).list().getItems();
    return items.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public List<Workload> workloads(Set<String> namespaces, LabelSelector selector) {
    List<Workload> out = new ArrayList<>();
    LabelSelector s = selector == null ? new LabelSelector() : selector;
    for (String ns : namespaces) {
      client.apps().deployments().inNamespace(ns).withLabelSelector(s).list().getItems()
          .forEach(d -> out.add(new Workload(WorkloadKind.Deployment, d, d.getSpec().getTemplate().getSpec())));
      client.apps().statefulSets().inNamespace(ns).withLabelSelector(s).list().getItems()
          .forEach(d -> out.add(new Workload(WorkloadKind.StatefulSet, d, d.getSpec().getTemplate().getSpec())));
      client.apps().daemonSets().inNamespace(ns).withLabelSelector(s).list().getItems()
          .forEach(d -> out.add(new Workload(WorkloadKind.DaemonSet, d, d.getSpec().getTemplate().getSpec())));
      client.batch().v1().cronjobs().inNamespace(ns).withLabelSelector(s).list().getItems()
          .forEach(c -> out.add(new Workload(WorkloadKind.CronJob, c,
              c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec())));
      client.batch().v1().jobs().inNamespace(ns).withLabelSelector(s).list().getItems().stream()
          .filter(j -> !hasController(j))
          .forEach(j -> out.add(new Workload(WorkloadKind.Job, j, j.getSpec().getTemplate().getSpec())));
      client.pods().inNamespace(ns).withLabelSelector(s).list().getItems().stream()
          .filter(p -> !hasController(p))
          .forEach(p -> out.add(new Workload(WorkloadKind.Pod, p, p.getSpec())));
    }
    return out;
  }

  static boolean hasController(HasMetadata resource) {
    List<OwnerReference> owners = resource.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()));
  }
}
