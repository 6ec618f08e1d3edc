package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private static InetAddress address(int last) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
  }

  @Test
  void anAddressGetsItsBurstThenWaitsForTheRefill() throws Exception {
    RequestRateLimiter limiter =
        new RequestRateLimiter(
            RateLimit.perSecond(1, 2), RateLimit.perSecond(100, 100), 10, nanos::get);
    InetAddress a = address(1);
    assertEquals(Optional.empty(), limiter.acquire(a));
    assertEquals(Optional.empty(), limiter.acquire(a));
    assertEquals(Optional.of(Duration.ofSeconds(1)), limiter.acquire(a));
    nanos.addAndGet(Duration.ofMillis(400).toNanos());
    assertEquals(Optional.of(Duration.ofMillis(600)), limiter.acquire(a));
    nanos.addAndGet(Duration.ofMillis(600).toNanos());
    assertEquals(Optional.empty(), limiter.acquire(a));
  }

  @Test
  void oneNoisyAddressDoesNotHoldBackAnother() throws Exception {
    RequestRateLimiter limiter =
        new RequestRateLimiter(
            RateLimit.perSecond(1, 1), RateLimit.perSecond(100, 100), 10, nanos::get);
    assertEquals(Optional.empty(), limiter.acquire(address(1)));
    assertEquals(Optional.of(Duration.ofSeconds(1)), limiter.acquire(address(1)));
    assertEquals(Optional.empty(), limiter.acquire(address(2)));
  }

  @Test
  void theGlobalBucketLimitsAllAddressesTogetherAndDoesNotChargeTheRefusedSender()
      throws Exception {
    RequestRateLimiter limiter =
        new RequestRateLimiter(
            RateLimit.perSecond(1, 1), RateLimit.perSecond(1, 2), 10, nanos::get);
    assertEquals(Optional.empty(), limiter.acquire(address(1)));
    assertEquals(Optional.empty(), limiter.acquire(address(2)));
    assertEquals(Optional.of(Duration.ofSeconds(1)), limiter.acquire(address(3)));
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    // Address 3 kept its own token when the global bucket refused it.
    assertEquals(Optional.empty(), limiter.acquire(address(3)));
  }

  @Test
  void bucketsOfTheLeastRecentlySeenAddressesAreDroppedBeyondTheCap() throws Exception {
    RequestRateLimiter limiter =
        new RequestRateLimiter(
            RateLimit.perSecond(1, 1), RateLimit.perSecond(100, 100), 2, nanos::get);
    limiter.acquire(address(1));
    limiter.acquire(address(2));
    limiter.acquire(address(3));
    assertEquals(2, limiter.trackedAddresses());
    // Address 1 was dropped, so it starts again with a full bucket.
    assertEquals(Optional.empty(), limiter.acquire(address(1)));
    // Address 3 is still tracked and still empty.
    assertEquals(Optional.of(Duration.ofSeconds(1)), limiter.acquire(address(3)));
  }
}
