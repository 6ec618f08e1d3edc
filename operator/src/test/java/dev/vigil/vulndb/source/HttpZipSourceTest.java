package dev.vigil.vulndb.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpZipSourceTest {

  private static final String PATH = "/Debian/all.zip";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path cache;
  private ZipServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private byte[] v1;
  private byte[] v2;

  @BeforeEach
  void start() throws IOException {
    server = new ZipServer(PATH);
    v1 = TestZips.stored(Map.of("A-1.json", TestZips.record("A-1", "Debian:12", "a", "1.0-1")));
    v2 =
        TestZips.stored(
            Map.of(
                "A-1.json", TestZips.record("A-1", "Debian:12", "a", "1.0-1"),
                "B-1.json", TestZips.record("B-1", "Debian:12", "b", "2.0-1")));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpZipSource source() {
    return source(HttpZipSource.DEFAULT_MAX_BYTES);
  }

  private HttpZipSource source(long maxBytes) {
    return new HttpZipSource(
        server.uri(PATH), cache, client, Duration.ofSeconds(10), Duration.ofSeconds(30), maxBytes, CLOCK);
  }

  private static List<String> read(OpenedSource opened) throws IOException {
    CollectingSink sink = new CollectingSink();
    opened.read(sink);
    return List.copyOf(sink.documents.keySet());
  }

  @Test
  void secondOpenSendsIfNoneMatchGetsA304AndReadsTheCachedCopy() throws IOException {
    server.serve(v1, "\"v1\"", null);
    String origin = server.uri(PATH) + "!A-1.json";
    try (OpenedSource first = source().open()) {
      assertEquals("etag:\"v1\"", first.version());
      assertEquals(List.of(origin), read(first));
    }
    // A new source object over the same cache directory: what a restarted operator does.
    try (OpenedSource second = source().open()) {
      assertEquals("etag:\"v1\"", second.version());
      assertEquals(List.of(origin), read(second));
      assertEquals(List.of(), second.warnings());
    }
    assertEquals(
        List.of(
            new ZipServer.Request(PATH, null, null, 200),
            new ZipServer.Request(PATH, "\"v1\"", null, 304)),
        server.requests());
    assertArrayEquals(v1, Files.readAllBytes(cache.resolve("content.zip")));
  }

  @Test
  void changedContentIsDownloadedAndChangesTheVersion() throws IOException {
    server.serve(v1, "\"v1\"", null);
    try (OpenedSource first = source().open()) {
      assertEquals("etag:\"v1\"", first.version());
    }
    server.serve(v2, "\"v2\"", null);
    try (OpenedSource second = source().open()) {
      assertEquals("etag:\"v2\"", second.version());
      assertEquals(2, read(second).size());
    }
    assertEquals("\"v1\"", server.requests().get(1).ifNoneMatch());
    assertEquals(200, server.requests().get(1).status());
  }

  @Test
  void lastModifiedIsSentBackAsIfModifiedSinceWhenThereIsNoEtag() throws IOException {
    String date = "Wed, 21 Oct 2026 07:28:00 GMT";
    server.serve(v1, null, date);
    String firstVersion;
    try (OpenedSource first = source().open()) {
      firstVersion = first.version();
    }
    try (OpenedSource second = source().open()) {
      assertEquals(firstVersion, second.version());
    }
    assertEquals(new ZipServer.Request(PATH, null, date, 304), server.requests().get(1));
    assertTrue(firstVersion.startsWith("sha256:"));
  }

  @Test
  void serverErrorFallsBackToTheCachedCopyWithAWarning() throws IOException {
    server.serve(v1, "\"v1\"", null);
    try (OpenedSource first = source().open()) {
      read(first);
    }
    server.failWith(503);
    try (OpenedSource second = source().open()) {
      assertEquals("etag:\"v1\"", second.version());
      assertEquals(1, read(second).size());
      assertEquals(
          List.of(
              "refresh of "
                  + server.uri(PATH)
                  + " failed (HTTP status 503); using the copy fetched at 2026-11-01T10:00:00Z"),
          second.warnings());
    }
  }

  @Test
  void bodyThatIsNotAZipNeverReplacesTheCachedCopy() throws IOException {
    server.serve(v1, "\"v1\"", null);
    try (OpenedSource first = source().open()) {
      read(first);
    }
    server.serve("<html>oops</html>".getBytes(StandardCharsets.UTF_8), "\"broken\"", null);
    try (OpenedSource second = source().open()) {
      assertEquals("etag:\"v1\"", second.version());
      assertTrue(second.warnings().get(0).contains("not a readable zip archive"), second.warnings().toString());
    }
    assertArrayEquals(v1, Files.readAllBytes(cache.resolve("content.zip")));
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(
          List.of("content.properties", "content.zip"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void withoutACachedCopyAFailureIsAnErrorNamingUrlAndStatus() {
    server.failWith(404);
    IOException e = assertThrows(IOException.class, () -> source().open());
    assertEquals("cannot fetch " + server.uri(PATH) + ": HTTP status 404", e.getMessage());
  }

  @Test
  void aClosedPortIsAConnectionRefusedByThatHostAndPort() throws IOException {
    int port = closedPort();
    URI url = URI.create("http://127.0.0.1:" + port + PATH);
    HttpZipSource source = new HttpZipSource(url, cache, client, Duration.ofSeconds(10), Duration.ofSeconds(30),
        HttpZipSource.DEFAULT_MAX_BYTES, CLOCK);

    IOException e = assertThrows(IOException.class, source::open);

    assertEquals("cannot fetch " + url + ": cannot connect to 127.0.0.1:" + port + ": Connection refused",
        e.getMessage());
  }

  @Test
  void aHostThatDoesNotResolveIsNamed() {
    // .invalid never resolves (RFC 6761), so no traffic leaves the machine.
    URI url = URI.create("http://osv.vigil-test.invalid" + PATH);
    HttpZipSource source = new HttpZipSource(url, cache, client, Duration.ofSeconds(10), Duration.ofSeconds(30),
        HttpZipSource.DEFAULT_MAX_BYTES, CLOCK);

    IOException e = assertThrows(IOException.class, source::open);

    assertEquals("cannot fetch " + url + ": cannot resolve host osv.vigil-test.invalid", e.getMessage());
  }

  @Test
  void aServerThatNeverAnswersIsATimeoutOfThatHostAndPort() throws IOException {
    // The kernel accepts the connection into the backlog; nothing ever reads the request.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + PATH);
      HttpZipSource source = new HttpZipSource(url, cache, client, Duration.ofSeconds(1), Duration.ofSeconds(30),
          HttpZipSource.DEFAULT_MAX_BYTES, CLOCK);

      IOException e = assertThrows(IOException.class, source::open);

      assertEquals("cannot fetch " + url + ": no response from 127.0.0.1:" + silent.getLocalPort()
          + " in time (request timed out)", e.getMessage());
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void responseOverTheSizeCapIsRefused() {
    server.serve(v1, "\"v1\"", null);
    IOException e = assertThrows(IOException.class, () -> source(100).open());
    assertTrue(e.getMessage().endsWith("response larger than 100 bytes"), e.getMessage());
    assertTrue(Files.notExists(cache.resolve("content.zip")));
  }

  @Test
  void onlyHttpUrlsAreAccepted() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new HttpZipSource(java.net.URI.create("file:///etc/passwd"), cache, client));
  }
}
