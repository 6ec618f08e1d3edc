package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PushDeduplicatorTest {

  private static final String DIGEST =
      "sha256:2222222222222222222222222222222222222222222222222222222222222222";

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

  private static PushEvent push(String tag, String digest, WebhookFormat source, Instant at) {
    return new PushEvent("r.example.com", "team/app", tag, digest, source, at);
  }

  private static PushEvent push(String tag) {
    return push(tag, DIGEST, WebhookFormat.DISTRIBUTION, Instant.EPOCH);
  }

  @Test
  void anIdenticalEventWithinTheWindowIsADuplicateWhateverItsSourceAndTime() {
    PushDeduplicator dedupe = new PushDeduplicator(Duration.ofSeconds(10), 100, nanos::get);
    assertTrue(dedupe.claim(push("1")));
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());
    assertFalse(
        dedupe.claim(
            push("1", DIGEST, WebhookFormat.HARBOR, Instant.parse("2026-01-01T00:00:00Z"))));
  }

  @Test
  void anotherTagOrDigestIsNotADuplicate() {
    PushDeduplicator dedupe = new PushDeduplicator(Duration.ofSeconds(10), 100, nanos::get);
    assertTrue(dedupe.claim(push("1")));
    assertTrue(dedupe.claim(push("2")));
    assertTrue(dedupe.claim(push("1", null, WebhookFormat.DISTRIBUTION, Instant.EPOCH)));
  }

  @Test
  void theSameEventAfterTheWindowIsDeliveredAgain() {
    PushDeduplicator dedupe = new PushDeduplicator(Duration.ofSeconds(10), 100, nanos::get);
    assertTrue(dedupe.claim(push("1")));
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    assertTrue(dedupe.claim(push("1")));
    assertEquals(1, dedupe.size());
  }

  @Test
  void aReleasedClaimDoesNotSuppressTheRetry() {
    PushDeduplicator dedupe = new PushDeduplicator(Duration.ofSeconds(10), 100, nanos::get);
    assertTrue(dedupe.claim(push("1")));
    dedupe.release(push("1"));
    assertTrue(dedupe.claim(push("1")));
  }

  @Test
  void theOldestEntriesGoFirstBeyondTheCap() {
    PushDeduplicator dedupe = new PushDeduplicator(Duration.ofSeconds(10), 2, nanos::get);
    assertTrue(dedupe.claim(push("1")));
    assertTrue(dedupe.claim(push("2")));
    assertTrue(dedupe.claim(push("3")));
    assertEquals(2, dedupe.size());
    assertTrue(dedupe.claim(push("1")));
    assertFalse(dedupe.claim(push("3")));
  }

  @Test
  void aZeroWindowTurnsDeduplicationOff() {
    PushDeduplicator dedupe = new PushDeduplicator(Duration.ZERO, 2, nanos::get);
    assertTrue(dedupe.claim(push("1")));
    assertTrue(dedupe.claim(push("1")));
  }
}
