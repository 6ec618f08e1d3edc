package dev.vigil.webhook;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How the webhook receiver listens and what it tolerates. The receiver is off unless the operator
 * is configured to start it; there is no default port.
 *
 * @param bindAddress where to listen (port 0 picks a free one)
 * @param maxBodyBytes largest request body accepted; larger ones get 413 without being read
 * @param perAddress request rate allowed per remote address
 * @param global request rate allowed over all addresses together
 * @param httpThreads threads serving HTTP requests
 * @param listenerThreads threads calling the push listener
 * @param queueCapacity events that may wait for a listener thread before requests get 503
 * @param dedupeWindow identical events within this window are handed on once (zero: off)
 */
public record WebhookSettings(
    InetSocketAddress bindAddress,
    int maxBodyBytes,
    RateLimit perAddress,
    RateLimit global,
    int httpThreads,
    int listenerThreads,
    int queueCapacity,
    Duration dedupeWindow) {

  /** 1 MiB: the largest real payloads (GitHub package events) are tens of KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  public WebhookSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(perAddress, "perAddress");
    Objects.requireNonNull(global, "global");
    Objects.requireNonNull(dedupeWindow, "dedupeWindow");
    if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException("maxBodyBytes out of range: " + maxBodyBytes);
    }
    if (httpThreads < 1 || listenerThreads < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException(
          "httpThreads, listenerThreads and queueCapacity must be at least 1");
    }
    if (dedupeWindow.isNegative()) {
      throw new IllegalArgumentException("dedupeWindow must not be negative: " + dedupeWindow);
    }
  }

  /**
   * Defaults: 1 MiB bodies; 5 requests/s per address (bursts of 20) and 50/s overall (bursts of
   * 100); 4 HTTP threads; 2 listener threads with 256 queued events; 10 s de-duplication.
   */
  public static WebhookSettings defaults(InetSocketAddress bindAddress) {
    return new WebhookSettings(
        bindAddress,
        DEFAULT_MAX_BODY_BYTES,
        RateLimit.perSecond(5, 20),
        RateLimit.perSecond(50, 100),
        4,
        2,
        256,
        Duration.ofSeconds(10));
  }

  public WebhookSettings withMaxBodyBytes(int value) {
    return new WebhookSettings(
        bindAddress,
        value,
        perAddress,
        global,
        httpThreads,
        listenerThreads,
        queueCapacity,
        dedupeWindow);
  }

  public WebhookSettings withRateLimits(RateLimit perAddressLimit, RateLimit globalLimit) {
    return new WebhookSettings(
        bindAddress,
        maxBodyBytes,
        perAddressLimit,
        globalLimit,
        httpThreads,
        listenerThreads,
        queueCapacity,
        dedupeWindow);
  }

  public WebhookSettings withListenerQueue(int threads, int capacity) {
    return new WebhookSettings(
        bindAddress,
        maxBodyBytes,
        perAddress,
        global,
        httpThreads,
        threads,
        capacity,
        dedupeWindow);
  }

  public WebhookSettings withDedupeWindow(Duration window) {
    return new WebhookSettings(
        bindAddress,
        maxBodyBytes,
        perAddress,
        global,
        httpThreads,
        listenerThreads,
        queueCapacity,
        window);
  }
}
