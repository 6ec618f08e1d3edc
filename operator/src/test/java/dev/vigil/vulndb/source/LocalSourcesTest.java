package dev.vigil.vulndb.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSourcesTest {

  @TempDir Path temp;

  @Test
  void directorySourceReadsJsonFilesRecursivelyInPathOrder() throws IOException {
    Files.createDirectories(temp.resolve("b/nested"));
    Files.writeString(temp.resolve("b/nested/Z-1.json"), "{\"id\":\"Z-1\"}");
    Files.writeString(temp.resolve("A-1.json"), "{\"id\":\"A-1\"}");
    Files.writeString(temp.resolve("README.md"), "not a record");
    CollectingSink sink = new CollectingSink();
    try (OpenedSource opened = new DirectorySource(temp).open()) {
      opened.read(sink);
    }
    assertEquals(List.of("A-1.json", "b/nested/Z-1.json"), List.copyOf(sink.documents.keySet()));
    assertEquals("{\"id\":\"Z-1\"}", sink.documents.get("b/nested/Z-1.json"));
  }

  @Test
  void directoryVersionChangesWhenAFileIsAddedAndStaysWhenNothingChanges() throws IOException {
    Files.writeString(temp.resolve("A-1.json"), "{}");
    DirectorySource source = new DirectorySource(temp);
    String first = versionOf(source);
    assertEquals(first, versionOf(source));
    Files.writeString(temp.resolve("B-1.json"), "{}");
    assertNotEquals(first, versionOf(source));
  }

  @Test
  void missingDirectoryIsAnErrorNamingThePath() {
    IOException e =
        assertThrows(IOException.class, () -> new DirectorySource(temp.resolve("nope")).open());
    assertTrue(e.getMessage().contains("nope"));
  }

  @Test
  void zipSourceSkipsACorruptEntryAndDeliversTheOthers() throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("A-1.json", TestZips.record("A-1", "Debian:12", "a", "1.0-1"));
    entries.put("B-1.json", TestZips.record("B-1", "Debian:12", "bbbbbbbbbbbb-marker", "1.0-1"));
    entries.put("C-1.json", TestZips.record("C-1", "Debian:12", "c", "1.0-1"));
    entries.put("notes.txt", "ignored: not a record");
    Path zip = temp.resolve("all.zip");
    Files.write(zip, TestZips.damage(TestZips.stored(entries), "bbbbbbbbbbbb-marker"));

    CollectingSink sink = new CollectingSink();
    try (OpenedSource opened = new ZipFileSource(zip).open()) {
      opened.read(sink);
    }
    assertEquals(List.of("all.zip!A-1.json", "all.zip!C-1.json"), List.copyOf(sink.documents.keySet()));
    assertEquals(Map.of("all.zip!B-1.json", "corrupt entry: CRC mismatch"), sink.unreadable);
  }

  @Test
  void zipSourceVersionIsTheContentDigest() throws IOException {
    Path zip = temp.resolve("all.zip");
    byte[] content = TestZips.stored(Map.of("A-1.json", "{}"));
    Files.write(zip, content);
    String expected =
        "sha256:"
            + java.util.HexFormat.of()
                .formatHex(Digests.sha256().digest(content));
    assertEquals(expected, versionOf(new ZipFileSource(zip)));
  }

  @Test
  void fileThatIsNotAZipIsRejectedAsAWhole() throws IOException {
    Path zip = temp.resolve("all.zip");
    Files.writeString(zip, "<html>not found</html>", StandardCharsets.UTF_8);
    IOException e = assertThrows(IOException.class, () -> new ZipFileSource(zip).open());
    assertTrue(e.getMessage().startsWith("not a readable zip archive: all.zip"), e.getMessage());
  }

  @Test
  void compositeReadsEveryPartAndFailsWhenOnePartIsMissing() throws IOException {
    Files.createDirectories(temp.resolve("one"));
    Files.writeString(temp.resolve("one/A-1.json"), "{}");
    Path zip = temp.resolve("two.zip");
    Files.write(zip, TestZips.stored(Map.of("B-1.json", "{}")));
    CompositeSource composite =
        new CompositeSource(List.of(new DirectorySource(temp.resolve("one")), new ZipFileSource(zip)));
    CollectingSink sink = new CollectingSink();
    try (OpenedSource opened = composite.open()) {
      opened.read(sink);
    }
    assertEquals(List.of("A-1.json", "two.zip!B-1.json"), List.copyOf(sink.documents.keySet()));

    CompositeSource broken =
        new CompositeSource(List.of(new DirectorySource(temp.resolve("one")), new ZipFileSource(temp.resolve("gone.zip"))));
    IOException e = assertThrows(IOException.class, broken::open);
    assertTrue(e.getMessage().contains("gone.zip"));
  }

  @Test
  void bucketSourcesUseOneEncodedUrlAndCacheDirectoryPerEcosystem() {
    CompositeSource source =
        OsvBucketSources.forEcosystems(
            java.net.URI.create("http://127.0.0.1:1/bucket"),
            List.of("Ubuntu", "Rocky Linux", "Debian"),
            temp,
            java.net.http.HttpClient.newHttpClient());
    assertEquals(
        "http://127.0.0.1:1/bucket/Debian/all.zip + http://127.0.0.1:1/bucket/Rocky%20Linux/all.zip"
            + " + http://127.0.0.1:1/bucket/Ubuntu/all.zip",
        source.description());
    assertEquals(
        temp.resolve("osv/Rocky_Linux/content.zip"),
        ((HttpZipSource) source.parts().get(1)).cachedFile());
  }

  private static String versionOf(VulnDbSource source) throws IOException {
    try (OpenedSource opened = source.open()) {
      return opened.version();
    }
  }
}
