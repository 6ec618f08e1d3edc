package dev.vigil.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePinTest {

  private static final String NEW = "sha256:" + "b".repeat(64);
  private static final String OLD = "sha256:" + "a".repeat(64);

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource({
    "nginx, 1.25, nginx:1.25@",
    "nginx:1.25, 1.25, nginx:1.25@",
    "docker.io/library/nginx:1.25, 1.25.1, docker.io/library/nginx:1.25.1@",
    "localhost:5000/team/app, 2.0.0, localhost:5000/team/app:2.0.0@",
    "localhost:5000/team/app:1.0.0, 1.0.1, localhost:5000/team/app:1.0.1@",
    "ghcr.io/acme/web:1.4@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,"
        + " 1.4, ghcr.io/acme/web:1.4@",
    "[::1]:5000/app:v1, v1, [::1]:5000/app:v1@"
  })
  void keepsTheRepositoryAsWrittenAndPinsTagAndDigest(
      String written, String tag, String expectedPrefix) {
    assertEquals(expectedPrefix + NEW, ImagePin.pin(written, tag, NEW));
  }

  @Test
  void readsTheDigestOfAWrittenImage() {
    assertEquals(OLD, ImagePin.digestOf("ghcr.io/acme/web:1.4@" + OLD));
    assertNull(ImagePin.digestOf("ghcr.io/acme/web:1.4"));
  }
}
