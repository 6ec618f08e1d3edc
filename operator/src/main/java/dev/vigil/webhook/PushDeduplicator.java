package dev.vigil.webhook;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Remembers which pushes were handed on in the last few seconds, so a burst of identical
 * notifications (retries, several registry replicas, one tag pushed twice) is one check. Identical
 * means same registry, repository, tag and digest; the format and arrival time do not matter. Holds
 * at most a fixed number of entries, dropping the oldest first.
 */
final class PushDeduplicator {

  private record Key(String registry, String repository, String tag, String digest) {
    static Key of(PushEvent event) {
      return new Key(event.registry(), event.repository(), event.tag(), event.digest());
    }
  }

  private final long windowNanos;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  // Insertion order is claim order, so the first entries are the first to expire.
  private final LinkedHashMap<Key, Long> claimedAt = new LinkedHashMap<>();

  /**
   * @param window how long an event suppresses identical ones; zero turns de-duplication off
   * @param nanoTime a monotonic clock in nanoseconds
   */
  PushDeduplicator(Duration window, int maxEntries, LongSupplier nanoTime) {
    if (window.isNegative()) {
      throw new IllegalArgumentException("dedupe window must not be negative, got " + window);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
    }
    this.windowNanos = window.toNanos();
    this.maxEntries = maxEntries;
    this.nanoTime = Objects.requireNonNull(nanoTime);
  }

  /**
   * Claims an event for delivery.
   *
   * @return true when no identical event was claimed within the window (the caller should deliver
   *     it), false for a duplicate
   */
  synchronized boolean claim(PushEvent event) {
    if (windowNanos == 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    expire(now);
    Key key = Key.of(event);
    if (claimedAt.containsKey(key)) {
      return false;
    }
    claimedAt.put(key, now);
    if (claimedAt.size() > maxEntries) {
      Iterator<Key> oldest = claimedAt.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  /** Forgets a claim whose delivery failed, so a retry of the same event is not suppressed. */
  synchronized void release(PushEvent event) {
    claimedAt.remove(Key.of(event));
  }

  /** Number of events currently remembered. */
  synchronized int size() {
    return claimedAt.size();
  }

  private void expire(long now) {
    Iterator<Map.Entry<Key, Long>> entries = claimedAt.entrySet().iterator();
    while (entries.hasNext()) {
      if (now - entries.next().getValue() < windowNanos) {
        return;
      }
      entries.remove();
    }
  }
}
