package dev.vigil.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ImageIdsTest {

  private static final String HEX = "4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac";
  private static final String DIGEST = "sha256:" + HEX;

  @Test
  void dockerPullableImageIdNamesTheRepositoryDigest() {
    assertEquals(DIGEST, ImageIds.registryDigest("docker-pullable://nginx@" + DIGEST));
    assertEquals(DIGEST, ImageIds.registryDigest(
        "docker-pullable://registry.example.com:5000/team/app@" + DIGEST));
  }

  @Test
  void containerdRepositoryDigestIsTheDigest() {
    assertEquals(DIGEST, ImageIds.registryDigest("docker.io/library/nginx@" + DIGEST));
  }

  @Test
  void dockerLocalImageIdIsUnknown() {
    assertNull(ImageIds.registryDigest("docker://" + DIGEST));
  }

  @Test
  void bareConfigDigestIsUnknown() {
    assertNull(ImageIds.registryDigest(DIGEST));
  }

  @Test
  void emptyAndMalformedImageIdsAreUnknown() {
    assertNull(ImageIds.registryDigest(null));
    assertNull(ImageIds.registryDigest(""));
    assertNull(ImageIds.registryDigest("nginx@sha256:abc"));
    assertNull(ImageIds.registryDigest("nginx@md5:" + HEX));
    assertNull(ImageIds.registryDigest("nginx@sha256:" + HEX.toUpperCase()));
    assertNull(ImageIds.registryDigest("@" + DIGEST));
  }

  @Test
  void sha512RepositoryDigestIsAccepted() {
    String sha512 = "sha512:" + HEX + HEX;
    assertEquals(sha512, ImageIds.registryDigest("quay.io/org/app@" + sha512));
  }
}
