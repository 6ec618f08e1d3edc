package dev.vigil.operator;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the operator is in its life (starting, standing by, leading, stopping) and the one place
 * a stop is asked for. Signals, the lost-Lease callback and the API connection monitor only
 * {@linkplain #requestStop ask}; whoever owns the process waits in {@link #awaitStop()} and does
 * the stopping on its own thread. Nothing here blocks or exits, so it is safe from any callback,
 * a signal handler or a shutdown hook included.
 *
 * <p>The first request wins: a SIGTERM that makes JOSDK cancel the leader elector (which reports
 * "stopped leading") stays a requested stop, not a lost Lease.
 */
public final class OperatorLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorLifecycle.class);

  private final CompletableFuture<StopReason> stop = new CompletableFuture<>();
  private final AtomicBoolean first = new AtomicBoolean();
  private volatile String stopDetail;
  private volatile boolean started;
  private volatile boolean leading;
  private volatile Supplier<String> readiness = () -> null;
  private volatile Supplier<String> apiProblem = () -> null;

  /**
   * Asks the operator to stop. Returns at once; false when a stop had already been asked for
   * (the first reason stands).
   *
   * @param detail what happened, for the log and /healthz
   */
  public boolean requestStop(StopReason reason, String detail) {
    if (!first.compareAndSet(false, true)) {
      LOG.debug("already stopping; ignoring {} ({})", reason, detail);
      return false;
    }
    stopDetail = detail;
    if (reason == StopReason.REQUESTED) {
      LOG.info("stopping: {} ({})", reason, detail);
    } else {
      LOG.warn("stopping: {} ({})", reason, detail);
    }
    stop.complete(reason);
    return true;
  }

  /** Runs the action when a stop is requested (at once if it was), on the requesting thread. */
  public void onStopRequested(Consumer<StopReason> action) {
    stop.thenAccept(reason -> {
      try {
        action.accept(reason);
      } catch (RuntimeException e) {
        LOG.warn("stop action failed: {}", e.toString());
      }
    });
  }

  /** Blocks until a stop is requested; why. */
  public StopReason awaitStop() throws InterruptedException {
    try {
      return stop.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  public Optional<StopReason> stopReason() {
    return Optional.ofNullable(stop.getNow(null));
  }

  /** Whether this replica does the work: it holds the Lease, or leader election is off. */
  public boolean isLeading() {
    return leading && !stop.isDone();
  }

  /** Null while the process does its job (a standby waiting for the Lease does); else why not. */
  public String livenessProblem() {
    StopReason reason = stop.getNow(null);
    if (reason != null) {
      return "stopping: " + reason + " (" + stopDetail + ")";
    }
    return apiProblem.get();
  }

  /**
   * Null when the replica is ready: live, started, caches synced. A standby is ready: it can take
   * over the moment the Lease is free, and a rolling update of a Deployment waits for readiness
   * of the new pod before it stops the old leader.
   */
  public String readinessProblem() {
    String live = livenessProblem();
    if (live != null) {
      return live;
    }
    if (!started) {
      return "starting";
    }
    return readiness.get();
  }

  void started(Supplier<String> readiness) {
    this.readiness = readiness;
    this.started = true;
  }

  void leading(boolean leading) {
    this.leading = leading;
  }

  void apiProblem(Supplier<String> problem) {
    this.apiProblem = problem;
  }
}
