package dev.vigil.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches that the operator can still talk to the API server. A probe runs every few seconds;
 * once it has not succeeded for longer than the bound, {@link #problem()} says so (and /healthz
 * fails) and the operator is asked to stop, once. The bound is measured from the last success,
 * not counted in failed probes, so a probe that hangs fails liveness on time as well.
 */
final class ApiConnectionMonitor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiConnectionMonitor.class);

  private final Supplier<String> probe;
  private final Duration bound;
  private final Clock clock;
  private final Consumer<String> onLost;
  private volatile Instant lastSuccess;
  private volatile String lastProblem;
  private boolean lost;
  private ScheduledExecutorService timer;

  /**
   * @param probe one check: null when the API server answered as it should, else what went wrong
   * @param onLost called once, from the probing thread, when the bound is passed
   */
  ApiConnectionMonitor(Supplier<String> probe, Duration bound, Clock clock, Consumer<String> onLost) {
    this.probe = probe;
    this.bound = bound;
    this.clock = clock;
    this.onLost = onLost;
    this.lastSuccess = clock.instant();
  }

  /** How often to probe: a quarter of the bound, between 1 and 10 seconds. */
  static Duration interval(Duration bound) {
    Duration quarter = bound.dividedBy(4);
    if (quarter.compareTo(Duration.ofSeconds(1)) < 0) {
      return Duration.ofSeconds(1);
    }
    return quarter.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : quarter;
  }

  void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-api-monitor");
      t.setDaemon(true);
      return t;
    });
    long every = interval(bound).toMillis();
    timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  /** One probe, and the consequences. */
  void check() {
    String problem;
    try {
      problem = probe.get();
    } catch (RuntimeException e) {
      problem = e.toString();
    }
    Instant now = clock.instant();
    if (problem == null) {
      if (lastProblem != null) {
        LOG.info("API server reachable again");
      }
      lastProblem = null;
      lastSuccess = now;
      return;
    }
    if (lastProblem == null) {
      LOG.warn("API server check failed (the operator stops if this lasts {} s): {}", bound.toSeconds(),
          problem);
    }
    lastProblem = problem;
    String beyond = problem();
    if (beyond != null && !lost) {
      lost = true;
      onLost.accept(beyond);
    }
  }

  /** Null while the API server answered within the bound; else what has been failing, and how long. */
  String problem() {
    Duration since = Duration.between(lastSuccess, clock.instant());
    if (since.compareTo(bound) <= 0) {
      return null;
    }
    String last = lastProblem;
    return "no successful API server check for " + since.toSeconds() + " s"
        + (last == null ? "" : ": " + last);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
