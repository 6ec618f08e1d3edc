package dev.vigil.vulndb.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.registry.MediaTypes;
import dev.vigil.registry.RegistryClient;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.TestArtifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real distribution registry on 127.0.0.1. */
class OciArtifactSourceTest {

  private static LocalRegistry registry;
  private static RegistryClient client;

  @TempDir Path cache;

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.start();
    client = registry.client();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Pushes an OSV artifact: empty config, one layer per zip; returns the manifest digest. */
  private static String pushArtifact(String repository, String tag, Map<String, byte[]> zipsByTitle, String layerMediaType) {
    String config = registry.pusher().pushBlob(repository, TestArtifact.EMPTY_JSON);
    StringBuilder layers = new StringBuilder();
    for (Map.Entry<String, byte[]> zip : zipsByTitle.entrySet()) {
      String digest = registry.pusher().pushBlob(repository, zip.getValue());
      layers
          .append(layers.length() == 0 ? "" : ",")
          .append("{\"mediaType\":\"")
          .append(layerMediaType)
          .append("\",\"digest\":\"")
          .append(digest)
          .append("\",\"size\":")
          .append(zip.getValue().length)
          .append(",\"annotations\":{\"org.opencontainers.image.title\":\"")
          .append(zip.getKey())
          .append("\"}}");
    }
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
            + "\"artifactType\":\"application/vnd.vigil.osv.v1\","
            + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + config + "\",\"size\":2},"
            + "\"layers\":[" + layers + "]}";
    return registry
        .pusher()
        .pushManifest(repository, tag, manifest.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST);
  }

  private static List<String> read(OpenedSource opened) throws IOException {
    CollectingSink sink = new CollectingSink();
    opened.read(sink);
    return List.copyOf(sink.documents.keySet());
  }

  @Test
  void readsTheZipLayersOfAnArtifactAndVersionsByManifestDigest() throws IOException {
    byte[] debian = TestZips.stored(Map.of("A-1.json", TestZips.record("A-1", "Debian:12", "a", "1.0-1")));
    byte[] alpine = TestZips.stored(Map.of("B-1.json", TestZips.record("B-1", "Alpine:v3.19", "b", "1.0-r1")));
    String digest =
        pushArtifact("osv/db", "latest", new java.util.LinkedHashMap<>(Map.of("Debian.zip", debian, "Alpine.zip", alpine)), "application/zip");
    OciArtifactSource source = new OciArtifactSource(client, registry.reference("osv/db:latest"), cache);
    try (OpenedSource opened = source.open()) {
      assertEquals(digest, opened.version());
      List<String> origins = read(opened);
      assertEquals(2, origins.size());
      assertTrue(origins.stream().anyMatch(o -> o.endsWith("!Debian.zip!A-1.json")), origins.toString());
      assertTrue(origins.stream().anyMatch(o -> o.endsWith("!Alpine.zip!B-1.json")), origins.toString());
    }
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(2, files.filter(p -> p.toString().endsWith(".zip")).count());
    }
  }

  @Test
  void languageEcosystemZipsInAnArtifactLoadAndMatchLikeTheBucketOnes() throws Exception {
    pushArtifact(
        "osv/languages",
        "latest",
        LanguageEcosystemSourcesTest.zips("Maven", "PyPI", "crates.io"),
        "application/zip");
    OciArtifactSource source = new OciArtifactSource(client, registry.reference("osv/languages:latest"), cache);
    dev.vigil.vulndb.VulnDb db =
        new dev.vigil.vulndb.VulnDbLoader(java.time.Clock.systemUTC()).load(source);
    assertEquals(0, db.loadReport().problemCount(), db.loadReport().toString());
    assertEquals(java.util.Set.of("Maven", "PyPI", "crates.io"), db.ecosystems());
    assertEquals(
        List.of("CVE-2020-26235", "CVE-2021-44228", "CVE-2023-32681"),
        new dev.vigil.vulndb.VulnMatcher()
            .matchApplications(db, LanguageEcosystemSourcesTest.apps()).stream()
                .map(dev.vigil.vulndb.VulnerabilityMatch::id)
                .sorted()
                .toList());
  }

  @Test
  void newArtifactVersionChangesTheTokenAndDropsTheOldBlobFromTheCache() throws IOException {
    byte[] first = TestZips.stored(Map.of("A-1.json", TestZips.record("A-1", "Debian:12", "a", "1.0-1")));
    byte[] second = TestZips.stored(Map.of("A-1.json", TestZips.record("A-1", "Debian:12", "a", "1.0-2")));
    String v1 = pushArtifact("osv/moving", "latest", Map.of("all.zip", first), "application/zip");
    OciArtifactSource source = new OciArtifactSource(client, registry.reference("osv/moving:latest"), cache);
    try (OpenedSource opened = source.open()) {
      assertEquals(v1, opened.version());
    }
    String v2 = pushArtifact("osv/moving", "latest", Map.of("all.zip", second), "application/zip");
    assertNotEquals(v1, v2);
    try (OpenedSource opened = source.open()) {
      assertEquals(v2, opened.version());
      CollectingSink sink = new CollectingSink();
      opened.read(sink);
      assertTrue(sink.documents.values().iterator().next().contains("1.0-2"));
    }
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(List.of(), files.filter(p -> p.toString().contains(v1.substring(7, 20))).toList());
    }
  }

  @Test
  void layerThatIsNotAZipIsRefused() {
    pushArtifact("osv/garbage", "latest", Map.of("all.zip", "not a zip".getBytes(StandardCharsets.UTF_8)), "application/zip");
    IOException e =
        assertThrows(
            IOException.class,
            () -> new OciArtifactSource(client, registry.reference("osv/garbage:latest"), cache).open());
    assertTrue(e.getMessage().startsWith("not a readable zip archive"), e.getMessage());
  }

  @Test
  void artifactWithoutZipLayerIsRefusedWithAReason() {
    pushArtifact("osv/other", "latest", Map.of("notes.txt", "hello".getBytes(StandardCharsets.UTF_8)), "text/plain");
    IOException e =
        assertThrows(
            IOException.class,
            () -> new OciArtifactSource(client, registry.reference("osv/other:latest"), cache).open());
    assertEquals(
        "oci " + registry.reference("osv/other:latest").canonical() + " has no zip layer (media type application/zip)",
        e.getMessage());
  }

  @Test
  void missingArtifactIsARegistryError() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> new OciArtifactSource(client, registry.reference("osv/absent:latest"), cache).open());
    assertTrue(e.getMessage().contains("osv/absent"), e.getMessage());
  }
}
