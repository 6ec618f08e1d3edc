package dev.vigil.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** The harness itself: the registry really runs, really stores what is pushed, really checks auth. */
class LocalRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void pushedImageIsServedBackByTheRegistryAndStorageIsDeletedOnClose() throws Exception {
    TestImage image =
        TestImages.image()
            .layer(l -> l.file("etc/os-release", "ID=debian\n").symlink("bin", "usr/bin"))
            .user("1000")
            .build();
    Path workDir;
    try (LocalRegistry registry = LocalRegistry.start()) {
      workDir = registry.workDir();
      PushedImage pushed = registry.pusher().push("team/app", "1.0", image);
      assertEquals(image.manifestDigest(), pushed.digest());

      HttpResponse<byte[]> manifest =
          http.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/team/app/manifests/1.0"))
                  .header("Accept", image.manifestMediaType())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, manifest.statusCode());
      assertEquals(image.manifestDigest(), manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
      assertEquals(new String(image.manifest()), new String(manifest.body()));
      assertTrue(Files.isDirectory(workDir));
    }
    assertFalse(Files.exists(workDir));
  }

  @Test
  void layerTarHoldsTheEntriesWithModesOwnersLinksAndPaxLongNames() throws Exception {
    String longName = "opt/" + "x".repeat(150) + "/file.txt";
    TestLayer layer =
        TestImages.layer()
            .directory("usr/bin", 0755)
            .file("usr/bin/su", new byte[] {1, 2, 3}, 04755, 0, 0)
            .file("home/app/data", "d".getBytes(), 0600, 1000, 1000)
            .symlink("bin", "usr/bin")
            .hardlink("usr/bin/su2", "usr/bin/su")
            .whiteout("etc/shadow")
            .opaque("var/cache")
            .file(longName, "long")
            .build(Compression.GZIP);
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(layer.blob())))) {
      TarArchiveEntry dir = tar.getNextEntry();
      assertEquals("usr/bin/", dir.getName());
      assertTrue(dir.isDirectory());
      TarArchiveEntry su = tar.getNextEntry();
      assertEquals("usr/bin/su", su.getName());
      assertEquals(04755, su.getMode() & 07777);
      assertEquals(3, su.getSize());
      TarArchiveEntry data = tar.getNextEntry();
      assertEquals(1000, data.getLongUserId());
      assertEquals(0600, data.getMode() & 07777);
      TarArchiveEntry bin = tar.getNextEntry();
      assertTrue(bin.isSymbolicLink());
      assertEquals("usr/bin", bin.getLinkName());
      TarArchiveEntry hard = tar.getNextEntry();
      assertTrue(hard.isLink());
      assertEquals("usr/bin/su", hard.getLinkName());
      assertEquals("etc/.wh.shadow", tar.getNextEntry().getName());
      assertEquals("var/cache/.wh..wh..opq", tar.getNextEntry().getName());
      assertEquals(longName, tar.getNextEntry().getName());
    }
    assertEquals(dev.vigil.registry.Digest.sha256(layer.tar()).toString(), layer.diffId());
  }

  @Test
  void imageConfigCarriesTheBuilderSettingsAndDiffIds() throws Exception {
    TestLayer layer = TestImages.layer().file("a", "a").build(Compression.ZSTD);
    TestImage image =
        TestImages.image()
            .format(ImageFormat.DOCKER)
            .platform("linux/arm64/v8")
            .layer(layer)
            .user("app")
            .env("PATH=/usr/bin")
            .exposedPort("22/tcp")
            .label("org.opencontainers.image.source", "https://example.com/src")
            .volume("/data")
            .healthcheck(java.time.Duration.ofSeconds(30), "CMD", "true")
            .history("FROM scratch", true)
            .history("COPY a /", false)
            .build();
    JsonNode config = JSON.readTree(image.config());
    assertEquals("arm64", config.get("architecture").asText());
    assertEquals("app", config.at("/config/User").asText());
    assertEquals("PATH=/usr/bin", config.at("/config/Env/0").asText());
    assertTrue(config.at("/config/ExposedPorts").has("22/tcp"));
    assertTrue(config.at("/config/Volumes").has("/data"));
    assertEquals(30_000_000_000L, config.at("/config/Healthcheck/Interval").asLong());
    assertEquals(layer.diffId(), config.at("/rootfs/diff_ids/0").asText());
    assertTrue(config.at("/history/0/empty_layer").asBoolean());
    assertEquals("COPY a /", config.at("/history/1/created_by").asText());
    JsonNode manifest = JSON.readTree(image.manifest());
    assertEquals("application/vnd.docker.distribution.manifest.v2+json", manifest.get("mediaType").asText());
    assertEquals("application/vnd.docker.image.rootfs.diff.tar.zstd", manifest.at("/layers/0/mediaType").asText());
  }

  @Test
  void tokenAuthRegistryChallengesAndAcceptsTokensFromItsTokenServer() throws Exception {
    try (LocalRegistry registry = LocalRegistry.builder().tokenAuth("alice", "s3cret").start()) {
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/team/app/tags/list")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode());
      String challenge = anonymous.headers().firstValue("WWW-Authenticate").orElseThrow();
      assertTrue(challenge.startsWith("Bearer realm=\"" + registry.tokenServer().realm() + "\""), challenge);
      assertTrue(challenge.contains("scope=\"repository:team/app:pull\""), challenge);

      PushedImage pushed =
          registry.pusher().push("team/app", "v1", TestImages.image().layer(l -> l.file("x", "x")).build());
      HttpResponse<String> tags =
          http.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/team/app/tags/list"))
                  .header("Authorization", registry.pushAuthorization("team/app"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, tags.statusCode(), tags.body() + registry.log());
      assertEquals("[\"v1\"]", JSON.readTree(tags.body()).get("tags").toString());
      assertEquals("v1", pushed.reference().tag());
      assertEquals(pushed.digest(), registry.client().resolve(pushed.reference()).manifestDigest());
    }
  }

  @Test
  void basicAuthRegistryRejectsWrongPasswordAndAcceptsTheRightOne() throws Exception {
    try (LocalRegistry registry = LocalRegistry.builder().basicAuth("bob", "pw").start()) {
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/"))
                  .header("Authorization", new dev.vigil.registry.Credential("bob", "nope").basicAuthorization())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, wrong.statusCode());
      HttpResponse<String> right =
          http.send(
              HttpRequest.newBuilder(registry.baseUri().resolve("/v2/"))
                  .header("Authorization", registry.credential().basicAuthorization())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, right.statusCode());
    }
  }

  @Test
  void notificationEndpointReceivesPushEventsWithConfiguredHeaders() throws Exception {
    LinkedBlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    HttpServer listener = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    listener.createContext(
        "/events",
        exchange -> {
          received.add(
              new String[] {
                exchange.getRequestHeaders().getFirst("X-Test-Token"),
                new String(exchange.getRequestBody().readAllBytes())
              });
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    listener.start();
    try (LocalRegistry registry =
        LocalRegistry.builder()
            .notification(
                NotificationEndpoint.of(
                    "test",
                    URI.create("http://127.0.0.1:" + listener.getAddress().getPort() + "/events"),
                    Map.of("X-Test-Token", List.of("t0k3n"))))
            .start()) {
      TestImage image = TestImages.image().layer(l -> l.file("x", "x")).build();
      registry.pusher().push("hooks/app", "1", image);
      boolean sawManifestPush = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!sawManifestPush && System.nanoTime() < deadline) {
        String[] event = received.poll(200, TimeUnit.MILLISECONDS);
        if (event == null) {
          continue;
        }
        assertEquals("t0k3n", event[0]);
        for (JsonNode e : JSON.readTree(event[1]).get("events")) {
          if (e.get("action").asText().equals("push")
              && e.at("/target/digest").asText().equals(image.manifestDigest())) {
            assertEquals("hooks/app", e.at("/target/repository").asText());
            assertEquals("1", e.at("/target/tag").asText());
            sawManifestPush = true;
          }
        }
      }
      assertTrue(sawManifestPush, "no push event for the manifest arrived; registry log: " + registry.log());
    } finally {
      listener.stop(0);
    }
  }
}
