package dev.vigil.webhook;

/**
 * Counts what the receiver answered, one call per request, so metrics can export {@code
 * vigil_webhook_requests_total{result}}. Called on HTTP threads: implementations must be
 * thread-safe and fast.
 */
public interface WebhookStats {

  /** 202: authenticated, well-formed, events handed on (possibly none, or all duplicates). */
  void accepted();

  /** 401: missing or wrong secret or signature. */
  void unauthorized();

  /**
   * Any other refusal: unknown path (404), wrong method (405), body too large (413), not JSON
   * (415), malformed payload (400), or the listener queue full (503).
   */
  void rejected();

  /** 429: over the per-address or the global request rate. */
  void rateLimited();

  /** Stats that count nothing. */
  static WebhookStats none() {
    return new WebhookStats() {
      @Override
      public void accepted() {}

      @Override
      public void unauthorized() {}

      @Override
      public void rejected() {}

      @Override
      public void rateLimited() {}
    };
  }
}
