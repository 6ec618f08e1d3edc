package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyTextTest {

  @Test
  void durationsAcceptDaysWeeksAndCompoundForms() {
    assertEquals(Duration.ofDays(90), DurationText.parse("90d"));
    assertEquals(Duration.ofDays(14), DurationText.parse("2w"));
    assertEquals(Duration.ofMinutes(90), DurationText.parse("1h30m"));
    assertEquals(Duration.ofMillis(1500), DurationText.parse("1s500ms"));
    assertEquals("1h30m", DurationText.format(Duration.ofMinutes(90)));
  }

  @Test
  void durationsRejectZeroGarbageAndAbsurdLengths() {
    assertEquals("'0d' must be longer than zero",
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("0d")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> DurationText.parse("90 days"));
    assertThrows(IllegalArgumentException.class, () -> DurationText.parse(""));
    assertThrows(IllegalArgumentException.class, () -> DurationText.parse("99999999999999999999d"));
    assertThrows(IllegalArgumentException.class, () -> DurationText.parse("5000w"));
  }

  @Test
  void singleStarStaysWithinAPathSegmentDoubleStarCrossesThem() {
    ImageGlob one = ImageGlob.compile("registry.example.com/payments/*");
    assertTrue(one.matches("registry.example.com/payments/web:1.4"));
    assertTrue(one.matches("registry.example.com/payments/web@sha256:abc"));
    assertFalse(one.matches("registry.example.com/payments/team/web:1.4"));
    assertFalse(one.matches("registry.example.com/paymentsx/web:1.4"));
    ImageGlob many = ImageGlob.compile("registry.example.com/**");
    assertTrue(many.matches("registry.example.com/payments/team/web:1.4"));
    assertFalse(many.matches("evil.example.com/registry.example.com/x:1"));
  }

  @Test
  void repositoryGlobCoversTagsAndDigestsButTagGlobIsExact() {
    assertTrue(ImageGlob.compile("docker.io/library/nginx").matches("docker.io/library/nginx:1.27"));
    assertFalse(ImageGlob.compile("docker.io/library/nginx").matches("docker.io/library/nginx-extra:1"));
    assertTrue(ImageGlob.compile("docker.io/library/nginx:1.*").matches("docker.io/library/nginx:1.27"));
    assertFalse(ImageGlob.compile("docker.io/library/nginx:1.*").matches("docker.io/library/nginx:2.0"));
  }

  @Test
  void globsThatCannotMatchAnImageAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ImageGlob.compile(""));
    assertThrows(IllegalArgumentException.class, () -> ImageGlob.compile("registry/[ab]"));
    assertThrows(IllegalArgumentException.class, () -> ImageGlob.compile("registry//x"));
    assertThrows(IllegalArgumentException.class, () -> ImageGlob.compile("registry/***"));
  }
}
