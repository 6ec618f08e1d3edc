package dev.vigil.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: up to {@code burst} requests at once, refilled with {@code refill} requests every
 * {@code period}, spread evenly over the period.
 */
public record RateLimit(long burst, long refill, Duration period) {

  public RateLimit {
    Objects.requireNonNull(period, "period");
    if (burst < 1 || refill < 1) {
      throw new IllegalArgumentException(
          "rate limit burst and refill must be at least 1, got " + burst + " and " + refill);
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("rate limit period must be positive, got " + period);
    }
  }

  /** {@code perSecond} requests a second, bursts of up to {@code burst}. */
  public static RateLimit perSecond(long perSecond, long burst) {
    return new RateLimit(burst, perSecond, Duration.ofSeconds(1));
  }
}
