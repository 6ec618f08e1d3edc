package dev.vigil.operator;

import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.WorkloadKind;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadSource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Set;

/**
 * Which workloads the ScanSchedules cover: a schedule in the operator's namespace may select
 * namespaces (absent selector = all); anywhere else it covers its own namespace.
 */
public final class ScheduleIndex implements AutoCloseable {

  private final SharedIndexInformer<ScanSchedule> informer;
  private final String operatorNamespace;
  private final WorkloadSource workloads;

  public ScheduleIndex(KubernetesClient client, String operatorNamespace, WorkloadSource workloads) {
    this.operatorNamespace = operatorNamespace;
    this.workloads = workloads;
    this.informer = client.resources(ScanSchedule.class).inAnyNamespace().runnableInformer(0);
  }

  /**
   * Runs the action when a schedule's status records a new due run ({@code lastScheduleTime}
   * moved): how replicas other than the leader learn that a scheduled run started.
   */
  public void onRunRecorded(java.util.function.Consumer<ScanSchedule> action) {
    informer.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
      @Override
      public void onAdd(ScanSchedule schedule) {}

      @Override
      public void onUpdate(ScanSchedule before, ScanSchedule after) {
        String was = before.getStatus() == null ? null : before.getStatus().lastScheduleTime;
        String now = after.getStatus() == null ? null : after.getStatus().lastScheduleTime;
        if (now != null && !now.equals(was)) {
          action.accept(after);
        }
      }

      @Override
      public void onDelete(ScanSchedule schedule, boolean unknownFinalState) {}
    });
  }

  /** Starts the informer and waits until its cache is filled. */
  public void start(java.time.Duration timeout) {
    InformerStart.awaitSynced(informer, "ScanSchedule", timeout);
  }

  public boolean hasSynced() {
    return informer.hasSynced();
  }

  /** The workloads one schedule covers. */
  public List<Workload> scope(ScanSchedule schedule) {
    ScanScheduleSpec spec = schedule.getSpec();
    return workloads.workloads(namespaces(schedule), spec.workloadSelector).stream()
        .filter(w -> spec.kinds == null || spec.kinds.isEmpty() || spec.kinds.contains(w.kind()))
        .toList();
  }

  /** True when some schedule (suspended or not: event-driven scans continue) covers it. */
  public boolean covers(Workload workload) {
    for (ScanSchedule s : informer.getStore().list()) {
      if (s.getSpec() == null) {
        continue;
      }
      List<WorkloadKind> kinds = s.getSpec().kinds;
      if (kinds != null && !kinds.isEmpty() && !kinds.contains(workload.kind())) {
        continue;
      }
      if (!namespaces(s).contains(workload.namespace())) {
        continue;
      }
      if (workloads.workloads(Set.of(workload.namespace()), s.getSpec().workloadSelector).stream()
          .anyMatch(w -> w.kind() == workload.kind() && w.name().equals(workload.name()))) {
        return true;
      }
    }
    return false;
  }

  private Set<String> namespaces(ScanSchedule schedule) {
    String ns = schedule.getMetadata().getNamespace();
    if (!ns.equals(operatorNamespace)) {
      return Set.of(ns);
    }
    LabelSelector selector = schedule.getSpec().namespaceSelector;
    return workloads.namespaces(selector);
  }

  @Override
  public void close() {
    informer.close();
  }
}
