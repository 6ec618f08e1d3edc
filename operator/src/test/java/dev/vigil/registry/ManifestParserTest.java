package dev.vigil.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing the shared manifest test vectors (containers/image and image-spec examples). */
class ManifestParserTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ManifestParserTest.class.getResourceAsStream("/registry/manifests/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void dockerV2Schema2Manifest() throws IOException {
    byte[] content = resource("containers-image.v2s2.manifest.json");
    String mediaType = ManifestParser.mediaType(content, null);
    ImageManifest manifest = ManifestParser.parseManifest(content, mediaType);

    assertEquals(MediaTypes.DOCKER_MANIFEST, mediaType);
    assertEquals(
        Descriptor.of(MediaTypes.DOCKER_CONFIG, "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7", 7023),
        manifest.config());
    assertEquals(List.of(32654L, 16724L, 73109L), manifest.layers().stream().map(Descriptor::size).toList());
    assertEquals(MediaTypes.DOCKER_LAYER_GZIP, manifest.layers().get(0).mediaType());
    assertNull(manifest.subject());
  }

  @Test
  void ociManifestWithAnnotationsAndSubject() throws IOException {
    ImageManifest oci = ManifestParser.parseManifest(resource("containers-image.ociv1.manifest.json"), MediaTypes.OCI_MANIFEST);
    assertEquals(Map.of("com.example.key1", "value1", "com.example.key2", "value2"), oci.annotations());
    assertEquals(MediaTypes.OCI_LAYER_GZIP, oci.layers().get(2).mediaType());

    ImageManifest spec = ManifestParser.parseManifest(resource("image-spec.manifest.example.json"), MediaTypes.OCI_MANIFEST);
    assertEquals(
        Descriptor.of(MediaTypes.OCI_MANIFEST, "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", 7682),
        spec.subject());
    assertEquals("sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0", spec.layers().get(0).digest());
  }

  @Test
  void artifactWithAnEmptyConfigDigestIsMalformed() throws IOException {
    ManifestFormatException e =
        assertThrows(
            ManifestFormatException.class,
            () -> ManifestParser.parseManifest(resource("containers-image.ociv1.artifact.json"), MediaTypes.OCI_MANIFEST));
    assertEquals(RegistryException.Kind.MALFORMED, e.kind());
    assertEquals("config has no \"digest\" string", e.getMessage());
  }

  @Test
  void indexesKeepPlatformsVariantsAndNestedEntries() throws IOException {
    ImageIndex list = ManifestParser.parseIndex(resource("containers-image.v2list.manifest.json"), MediaTypes.DOCKER_MANIFEST_LIST);
    assertEquals(
        List.of("linux/ppc64le", "linux/amd64", "linux/s390x", "linux/arm/armv7", "linux/arm64/armv8"),
        list.manifests().stream().map(d -> d.platform().toString()).toList());

    ImageIndex nested = ManifestParser.parseIndex(resource("image-spec.image-index.example2.json"), MediaTypes.OCI_INDEX);
    assertEquals(MediaTypes.OCI_INDEX, nested.manifests().get(1).mediaType());
    assertNull(nested.manifests().get(1).platform());
  }

  @Test
  void mediaTypeComesFromTheDocumentThenTheHeaderThenTheShape() {
    byte[] withField = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] indexShape = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] manifestShape = "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}".getBytes(StandardCharsets.UTF_8);

    assertEquals(MediaTypes.OCI_INDEX, ManifestParser.mediaType(withField, MediaTypes.DOCKER_MANIFEST + "; charset=utf-8"));
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, ManifestParser.mediaType(indexShape, MediaTypes.DOCKER_MANIFEST_LIST));
    assertEquals(MediaTypes.OCI_INDEX, ManifestParser.mediaType(indexShape, "application/json"));
    assertEquals(MediaTypes.OCI_MANIFEST, ManifestParser.mediaType(manifestShape, null));
  }

  @Test
  void schema1IsUnsupported() throws IOException {
    ManifestFormatException e =
        assertThrows(ManifestFormatException.class, () -> ManifestParser.mediaType(resource("containers-image.v2s1.manifest.json"), null));
    assertEquals(RegistryException.Kind.UNSUPPORTED, e.kind());
  }

  @Test
  void nonObjectsAndWrongSchemaVersionsAreMalformed() {
    assertEquals(
        "manifest is not a JSON object",
        assertThrows(ManifestFormatException.class, () -> ManifestParser.mediaType("[1]".getBytes(), null)).getMessage());
    assertEquals(
        "schemaVersion must be 2, got 3",
        assertThrows(
                ManifestFormatException.class,
                () -> ManifestParser.parseIndex("{\"schemaVersion\":3,\"manifests\":[]}".getBytes(), MediaTypes.OCI_INDEX))
            .getMessage());
    assertEquals(
        "manifests[0]: invalid digest \"sha256:xyz\": sha256 needs 64 lower-case hex characters",
        assertThrows(
                ManifestFormatException.class,
                () ->
                    ManifestParser.parseIndex(
                        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"sha256:xyz\",\"size\":1}]}".getBytes(),
                        MediaTypes.OCI_INDEX))
            .getMessage());
  }
}
