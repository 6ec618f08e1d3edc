package dev.vigil.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "linux/amd64, linux/amd64",
    "linux/x86_64, linux/amd64",
    "linux/amd64/v1, linux/amd64",
    "linux/amd64/v3, linux/amd64/v3",
    "linux/arm64, linux/arm64",
    "linux/arm64/v8, linux/arm64",
    "linux/aarch64, linux/arm64",
    "linux/arm64/v9.0, linux/arm64/v9",
    "linux/arm, linux/arm/v7",
    "linux/armhf, linux/arm/v7",
    "linux/armel, linux/arm/v6",
    "linux/arm/6, linux/arm/v6",
    "linux/i386, linux/386",
    "Linux/AMD64, linux/amd64",
    "arm64, linux/arm64",
    "linux, linux/amd64",
    "windows/amd64, windows/amd64",
  })
  void parsesAndNormalisesLikeContainerd(String input, String normalised) {
    assertEquals(normalised, Platform.parse(input).toString());
  }

  @Test
  void rejectsMalformedSpecifiers() {
    assertEquals(
        "invalid platform \"linux//v7\": expected os/architecture[/variant]",
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux//v7")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Platform.parse("a/b/c/d"));
    assertThrows(IllegalArgumentException.class, () -> Platform.parse(" "));
  }

  @Test
  void compatiblePlatformsFollowContainerdsOrder() {
    assertEquals(
        List.of("linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"),
        Platform.parse("linux/amd64/v3").compatible().stream().map(Platform::toString).toList());
    assertEquals(
        List.of("linux/arm/v7", "linux/arm/v6", "linux/arm/v5"),
        Platform.parse("linux/arm/v7").compatible().stream().map(Platform::toString).toList());
    assertEquals(
        List.of("linux/arm64", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"),
        Platform.parse("linux/arm64/v8").compatible().stream().map(Platform::toString).toList());
    assertEquals(
        List.of("linux/arm64/v8.2", "linux/arm64/v8.1", "linux/arm64", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"),
        Platform.parse("linux/arm64/v8.2").compatible().stream().map(Platform::toString).toList());
  }

  private static ImageIndex index(String name) throws IOException {
    try (InputStream in = PlatformTest.class.getResourceAsStream("/registry/manifests/" + name)) {
      byte[] content = in.readAllBytes();
      return ManifestParser.parseIndex(content, ManifestParser.mediaType(content, null));
    }
  }

  private static String selected(ImageIndex index, String platform) {
    return index.select(Platform.parse(platform)).map(Descriptor::digest).orElse("none");
  }

  @Test
  void selectsFromADockerManifestListWithFallbacks() throws IOException {
    ImageIndex list = index("containers-image.schema2list.json");
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, list.mediaType());
    assertEquals("sha256:030fcb92e1487b18c974784dcc110a93147c9fc402188370fbfd17efabffc6af", selected(list, "linux/amd64"));
    // listed as arm64 with variant v8
    assertEquals("sha256:dc472a59fb006797aa2a6bfb54cc9c57959bb0a6d11fadaa608df8c16dea39cf", selected(list, "linux/arm64"));
    assertEquals("sha256:dc472a59fb006797aa2a6bfb54cc9c57959bb0a6d11fadaa608df8c16dea39cf", selected(list, "linux/arm64/v8"));
    // no arm/v7 entry: v6 is the best a v7 CPU can run
    assertEquals("sha256:b5dbad4bdb4444d919294afe49a095c23e86782f98cdf0aa286198ddb814b50b", selected(list, "linux/arm/v7"));
    assertEquals("sha256:9142d97ef280a7953cf1a85716de49a24cc1dd62776352afad67e635331ff77a", selected(list, "linux/arm/v5"));
    assertEquals("sha256:9a33b9909e56b0a2092a65fb1b79ef6717fa160b1f084476b860418780e8d53b", selected(list, "linux/386"));
    assertEquals("none", selected(list, "linux/riscv64"));
    assertEquals("none", selected(list, "windows/amd64"));
  }

  @Test
  void selectsVariantsFromAnOciIndex() throws IOException {
    ImageIndex variants = index("containers-image.ocilist-variants.json");
    assertEquals("sha256:" + "e".repeat(64), selected(variants, "linux/arm/v7"));
    // bare "arm" means v7; the listed v7 entry comes first
    assertEquals("sha256:" + "e".repeat(64), selected(variants, "linux/arm"));
    // two v6 entries: the first wins
    assertEquals("sha256:" + "d".repeat(64), selected(variants, "linux/arm/v6"));
    assertEquals("none", selected(variants, "linux/arm/v5"));
    assertEquals("sha256:59eec8837a4d942cc19a52b8c09ea75121acc38114a2c68b98983ce9356b8610", selected(variants, "linux/amd64"));

    ImageIndex oci = index("containers-image.oci1index.json");
    assertEquals("sha256:615e8db5ae085b39e9cd24e5bc887d03fbd30ee4f55f5fedf9b697fafea4fbdd", selected(oci, "linux/arm64/v8"));
    assertEquals("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", selected(oci, "linux/amd64"));
    assertEquals("linux/ppc64le, linux/amd64, linux/arm64", oci.platforms());
  }

  @Test
  void entriesWithoutPlatformAreNeverSelected() throws IOException {
    ImageIndex nested = index("image-spec.image-index.example2.json");
    assertEquals(Optional.empty(), nested.select(Platform.LINUX_AMD64));
  }
}
