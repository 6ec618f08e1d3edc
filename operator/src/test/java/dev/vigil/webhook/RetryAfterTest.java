package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  @Test
  void retryAfterRoundsUpToWholeSecondsAndIsNeverZero() {
    assertEquals(1, WebhookExchangeHandler.retryAfterSeconds(Duration.ZERO));
    assertEquals(1, WebhookExchangeHandler.retryAfterSeconds(Duration.ofNanos(1)));
    assertEquals(1, WebhookExchangeHandler.retryAfterSeconds(Duration.ofSeconds(1)));
    assertEquals(2, WebhookExchangeHandler.retryAfterSeconds(Duration.ofMillis(1001)));
    assertEquals(3600, WebhookExchangeHandler.retryAfterSeconds(Duration.ofMillis(3_599_400)));
  }
}
