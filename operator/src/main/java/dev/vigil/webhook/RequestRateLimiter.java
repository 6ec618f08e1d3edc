package dev.vigil.webhook;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Token buckets per remote address and one for all requests together. A request must get a token
 * from both; the per-address bucket is asked first so that one noisy sender is held back before it
 * drains the global budget. Buckets of the least recently seen addresses are dropped beyond a fixed
 * number of addresses, so a scan from many addresses cannot grow memory without bound (such a flood
 * still meets the global bucket).
 */
final class RequestRateLimiter {

  private final RateLimit perAddress;
  private final int maxAddresses;
  private final TimeMeter time;
  private final Bucket global;
  private final Map<InetAddress, Bucket> buckets;

  /**
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   */
  RequestRateLimiter(
      RateLimit perAddress, RateLimit global, int maxAddresses, LongSupplier nanoTime) {
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses must be at least 1, got " + maxAddresses);
    }
    this.perAddress = perAddress;
    this.maxAddresses = maxAddresses;
    this.time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return nanoTime.getAsLong();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        };
    this.global = bucket(global);
    this.buckets = new LinkedHashMap<>(64, 0.75f, true);
  }

  /**
   * Takes one token for a request from this address.
   *
   * @return empty when the request may proceed, else how long until it would be allowed
   */
  Optional<Duration> acquire(InetAddress address) {
    Bucket own;
    synchronized (buckets) {
      own = buckets.computeIfAbsent(address, a -> bucket(perAddress));
      if (buckets.size() > maxAddresses) {
        var eldest = buckets.entrySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    ConsumptionProbe ownProbe = own.tryConsumeAndReturnRemaining(1);
    if (!ownProbe.isConsumed()) {
      return Optional.of(Duration.ofNanos(ownProbe.getNanosToWaitForRefill()));
    }
    ConsumptionProbe globalProbe = global.tryConsumeAndReturnRemaining(1);
    if (!globalProbe.isConsumed()) {
      // Not this sender's fault: give its token back.
      own.addTokens(1);
      return Optional.of(Duration.ofNanos(globalProbe.getNanosToWaitForRefill()));
    }
    return Optional.empty();
  }

  /**
   * Gives back the token a request took, once it proved to come from the registry (it carried the
   * shared secret). A registry sends a notification for every push and pull it serves, far more
   * than a rate meant for strangers allows; answering its own notifications 429 only makes it
   * retry with back-off and delays the push that matters by minutes. So the buckets hold back
   * senders without the secret, and an authenticated sender passes as long as they are not empty.
   */
  void refund(InetAddress address) {
    Bucket own;
    synchronized (buckets) {
      own = buckets.get(address);
    }
    if (own != null) {
      own.addTokens(1);
    }
    global.addTokens(1);
  }

  /** How many addresses currently have a bucket. */
  int trackedAddresses() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  private Bucket bucket(RateLimit limit) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(limit.burst())
                .refillGreedy(limit.refill(), limit.period())
                .build())
        .withCustomTimePrecision(time)
        .build();
  }
}
