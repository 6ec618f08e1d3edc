package dev.vigil.webhook;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Stats that remember how often each result was counted. */
final class RecordingStats implements WebhookStats {

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  private void count(String result) {
    counts.computeIfAbsent(result, r -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void accepted() {
    count("accepted");
  }

  @Override
  public void unauthorized() {
    count("unauthorized");
  }

  @Override
  public void rejected() {
    count("rejected");
  }

  @Override
  public void rateLimited() {
    count("rateLimited");
  }

  /** Counts so far, e.g. {accepted=2, unauthorized=1}; results never counted are absent. */
  Map<String, Integer> snapshot() {
    Map<String, Integer> copy = new java.util.TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }
}
