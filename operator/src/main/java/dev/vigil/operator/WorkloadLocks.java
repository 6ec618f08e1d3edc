package dev.vigil.operator;

import dev.vigil.workload.Workload;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One lock per workload, shared by the scan loop and the update step, so that a scheduled scan,
 * an event-driven scan, a webhook push and the rollout watch never write the same workload's
 * reports (or patch the workload) at the same time. Reentrant: a scan runs the update step while
 * holding the lock.
 */
final class WorkloadLocks {

  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  <T> T with(Workload workload, Supplier<T> action) {
    String key = workload.kind() + "/" + workload.namespace() + "/" + workload.name();
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      return action.get();
    }
  }

  void with(Workload workload, Runnable action) {
    with(workload, () -> {
      action.run();
      return null;
    });
  }
}
