package dev.vigil.operator;

import java.time.Duration;

/**
 * How the operator stops.
 *
 * @param shutdownTimeout the whole budget of a graceful stop, from the stop request to the exit;
 *     past it the process is halted ({@link StopReason#EXIT_STOP_TIMEOUT})
 * @param apiUnreachableTimeout how long the API server may stay unreachable (or the controllers'
 *     watches down) before /healthz fails and the operator stops ({@link StopReason#API_UNREACHABLE})
 */
public record LifecycleSettings(Duration shutdownTimeout, Duration apiUnreachableTimeout) {

  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);
  public static final Duration DEFAULT_API_UNREACHABLE_TIMEOUT = Duration.ofSeconds(60);

  public LifecycleSettings {
    if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
      throw new IllegalArgumentException("shutdown timeout must be positive, not " + shutdownTimeout);
    }
    if (apiUnreachableTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("API unreachable timeout must be at least 1s, not " + apiUnreachableTimeout);
    }
  }

  public static LifecycleSettings defaults() {
    return new LifecycleSettings(DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_API_UNREACHABLE_TIMEOUT);
  }

  /** Time the scans and update steps already running get to finish on a graceful stop. */
  Duration drainTime() {
    return shutdownTimeout.multipliedBy(3).dividedBy(5);
  }

  /** Time JOSDK gives reconciles in flight when the controllers stop. */
  Duration reconcileTermination() {
    return shutdownTimeout.dividedBy(5);
  }
}
