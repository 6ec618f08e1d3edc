package dev.vigil.operator;

import dev.vigil.workload.Workload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the update step when time alone can change its answer: every in-flight rollout (phase
 * RollingOut in the workload's annotation, read from the cache, so after a restart too) on a fixed
 * interval until it succeeds, fails or passes its deadline; and a container whose decision named
 * a time to look again (a maintenance window opening, room for another rollout).
 */
final class RolloutWatcher implements UpdateStep.Rechecks {

  private final InFlightRollouts inFlight;
  private final UpdateStep step;
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final Duration interval;
  private final Clock clock;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> planned = new ConcurrentHashMap<>();

  RolloutWatcher(InFlightRollouts inFlight, UpdateStep step, ScheduledExecutorService timer,
      ExecutorService workers, Duration interval, Clock clock) {
    this.inFlight = inFlight;
    this.step = step;
    this.timer = timer;
    this.workers = workers;
    this.interval = interval;
    this.clock = clock;
  }

  /** Starts the periodic check (on the leader). */
  void start() {
    step.onRecheck(this);
    timer.scheduleWithFixedDelay(this::checkInFlight, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void checkInFlight() {
    for (InFlightRollouts.InFlight f : inFlight.all()) {
      submit(f.workload(), f.annotation().container());
    }
  }

  @Override
  public void at(Workload workload, String container, Instant when) {
    String key = key(workload, container);
    Instant earlier = planned.get(key);
    if (earlier != null && !earlier.isAfter(when)) {
      return;
    }
    planned.put(key, when);
    long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
    try {
      timer.schedule(() -> {
        planned.remove(key, when);
        submit(workload, container);
      }, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      planned.remove(key, when);
    }
  }

  private void submit(Workload workload, String container) {
    String key = key(workload, container);
    if (!queued.add(key)) {
      return;
    }
    try {
      workers.execute(() -> {
        queued.remove(key);
        step.run(workload, container);
      });
    } catch (RejectedExecutionException stopping) {
      queued.remove(key);
    }
  }

  private static String key(Workload workload, String container) {
    return workload.kind() + "/" + workload.namespace() + "/" + workload.name() + "/" + container;
  }
}
