package dev.vigil.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.image.FileEntry.Type;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layers written by real image builders (BuildKit, Bazel); see resources/layers/README.md. */
class RealLayerTest {

  private final LayerWalker walker = new LayerWalker();

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = RealLayerTest.class.getResourceAsStream("/layers/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /layers/" + name);
      }
      return in.readAllBytes();
    }
  }

  private static String firstDiffId(String config) throws IOException {
    return new ObjectMapper().readTree(resource(config)).at("/rootfs/diff_ids/0").asText();
  }

  @Test
  void buildKitHelloWorldLayerMatchesItsConfigDiffId() throws Exception {
    byte[] layer = resource("hello-world-v25.layer.tar");
    String diffId = firstDiffId("hello-world-v25.config.json");
    String digest = "sha256:12660636fe55438cc3ae7424da7ac56e845cdb52493ff9cf949c47a7f57f8b43";

    LayerFacts plain = walker.walk(digest, "application/vnd.oci.image.layer.v1.tar",
        new ByteArrayInputStream(layer), diffId, List.of());
    LayerFacts gzipped = walker.walk(TarLayer.sha256(TarLayer.gzip(layer)),
        "application/vnd.oci.image.layer.v1.tar+gzip",
        new ByteArrayInputStream(TarLayer.gzip(layer)), diffId, List.of());

    assertEquals(digest, diffId);
    assertEquals(List.of(new FileEntry("hello", Type.FILE, 0755, 0, 0, 9136, null, digest, -1)),
        plain.entries());
    assertEquals(diffId, gzipped.diffId());
    assertEquals(10752, gzipped.uncompressedBytes());
  }

  @Test
  void bazelLayerWithDotSlashNamesIsNormalisedAndCaptured() throws Exception {
    byte[] layer = resource("test_image_1.layer.tar");
    String diffId = firstDiffId("test_image_1.config.json");
    String digest = TarLayer.sha256(layer);
    ContentSelector foo = new ContentSelector("foo", 1, p -> p.equals("foo"), 100);

    LayerFacts facts = walker.walk(digest, "application/vnd.docker.image.rootfs.diff.tar",
        new ByteArrayInputStream(layer), diffId, List.of(foo));

    assertEquals(
        List.of(
            new FileEntry("bar", Type.FILE, 0555, 0, 0, 4, null, digest, -1),
            new FileEntry("foo", Type.FILE, 0555, 0, 0, 4, null, digest, -1)),
        facts.entries());
    assertEquals(3, facts.tarEntryCount());
    assertArrayEquals("foo\n".getBytes(StandardCharsets.UTF_8), facts.captured().get(0).content());
    ImageFacts image = ImageFacts.assemble(List.of(facts));
    assertEquals("foo\n", new String(image.content("/foo").orElseThrow().content(), StandardCharsets.UTF_8));
  }
}
