package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSecretTest {

  // GitHub's documented example for validating webhook deliveries.
  private static final WebhookSecret GITHUB_EXAMPLE =
      WebhookSecret.of("It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8));
  private static final byte[] GITHUB_EXAMPLE_BODY =
      "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String GITHUB_EXAMPLE_SIGNATURE =
      "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void verifiesGitHubsDocumentedSignature() {
    assertTrue(GITHUB_EXAMPLE.signs(GITHUB_EXAMPLE_BODY, GITHUB_EXAMPLE_SIGNATURE));
    assertTrue(GITHUB_EXAMPLE.signs(GITHUB_EXAMPLE_BODY, GITHUB_EXAMPLE_SIGNATURE.toUpperCase()));
  }

  @Test
  void refusesAChangedBodyOrSignatureAndNonHex() {
    assertFalse(
        GITHUB_EXAMPLE.signs(
            "Hello, World?".getBytes(StandardCharsets.UTF_8), GITHUB_EXAMPLE_SIGNATURE));
    assertFalse(
        GITHUB_EXAMPLE.signs(GITHUB_EXAMPLE_BODY, GITHUB_EXAMPLE_SIGNATURE.replace('7', '8')));
    assertFalse(GITHUB_EXAMPLE.signs(GITHUB_EXAMPLE_BODY, GITHUB_EXAMPLE_SIGNATURE.substring(2)));
    assertFalse(GITHUB_EXAMPLE.signs(GITHUB_EXAMPLE_BODY, "zz"));
    assertFalse(GITHUB_EXAMPLE.signs(GITHUB_EXAMPLE_BODY, ""));
  }

  @Test
  void matchesOnlyTheExactBytes() {
    assertTrue(GITHUB_EXAMPLE.matches("It's a Secret to Everybody"));
    assertFalse(GITHUB_EXAMPLE.matches("It's a Secret to Everybody\n"));
    assertFalse(GITHUB_EXAMPLE.matches("It's a Secret to Everybod"));
    assertFalse(GITHUB_EXAMPLE.matches((String) null));
  }

  @Test
  void refusesShortSecrets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WebhookSecret.of("short".getBytes(StandardCharsets.UTF_8)));
    assertEquals("webhook secret must be at least 16 bytes, got 5", e.getMessage());
  }

  @Test
  void neverPrintsTheSecret() {
    assertEquals("WebhookSecret[redacted]", GITHUB_EXAMPLE.toString());
  }
}
