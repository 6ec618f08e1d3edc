package dev.vigil.registry;

import dev.vigil.testsupport.MutableClock;
import static dev.vigil.registry.ScriptedServer.respond;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a scripted server that misbehaves the ways real registries and attackers do. */
class HostileRegistryTest {

  private static final String REPO = "evil/app";

  private ScriptedServer server;
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    server = ScriptedServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RegistryClient client(Consumer<RegistryClientConfig.Builder> settings) {
    RegistryClientConfig.Builder builder =
        RegistryClientConfig.builder()
            .sleeper(sleeps::add)
            .initialBackoff(Duration.ofMillis(100))
            .connectTimeout(Duration.ofSeconds(2))
            .requestTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(5));
    settings.accept(builder);
    return new RegistryClient(builder.build());
  }

  private RegistryClient client() {
    return client(b -> {});
  }

  private Repository repo() {
    return new Repository(server.host(), REPO);
  }

  private ImageReference ref(String tagOrDigest) {
    return ImageReference.parse(server.host() + "/" + REPO + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest);
  }

  private static String manifestPath(String reference) {
    return "/v2/" + REPO + "/manifests/" + reference;
  }

  private static String blobPath(String digest) {
    return "/v2/" + REPO + "/blobs/" + digest;
  }

  private static TestImage smallImage() {
    return TestImages.image().layer(l -> l.file("f", "content")).build();
  }

  private static RegistryException.Kind kindOf(ThrowingRunnable action) {
    return assertThrows(RegistryException.class, action::run).kind();
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void manifestAnnouncedLargerThanTheLimitIsTooLargeWithoutReadingIt() {
    byte[] huge = new byte[5 << 20];
    server.on(manifestPath("big"), ex -> respond(ex, 200, MediaTypes.OCI_MANIFEST, huge));

    RegistryException e = assertThrows(RegistryException.class, () -> client().fetchManifest(repo(), "big"));

    assertEquals(RegistryException.Kind.TOO_LARGE, e.kind());
    assertEquals(
        "fetch manifest big on " + server.host() + "/" + REPO
            + " failed: manifest of 5242880 bytes exceeds the limit of 4194304 bytes (HTTP 200)",
        e.getMessage());
  }

  @Test
  void chunkedManifestGrowingPastTheLimitIsTooLarge() {
    server.on(
        manifestPath("endless"),
        ex -> {
          ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 100; i++) {
              out.write(chunk);
            }
          } catch (IOException clientHungUp) {
            // expected once the client has seen enough
          }
        });

    assertEquals(
        RegistryException.Kind.TOO_LARGE,
        kindOf(() -> client(b -> b.maxManifestBytes(1 << 20)).fetchManifest(repo(), "endless")));
  }

  @Test
  void manifestPulledByDigestWithOtherContentIsDigestMismatch() {
    TestImage image = smallImage();
    TestImage other = TestImages.image().layer(l -> l.file("g", "other")).build();
    server.on(manifestPath(image.manifestDigest()), ex -> respond(ex, 200, MediaTypes.OCI_MANIFEST, other.manifest()));

    RegistryException e =
        assertThrows(RegistryException.class, () -> client().resolve(ref(image.manifestDigest())));

    assertEquals(RegistryException.Kind.DIGEST_MISMATCH, e.kind());
    assertTrue(
        e.getMessage().contains("manifest content hashes to " + other.manifestDigest() + ", not the requested " + image.manifestDigest()),
        e.getMessage());
  }

  @Test
  void manifestWhoseAnnouncedDigestDisagreesWithItsContentIsDigestMismatch() {
    TestImage image = smallImage();
    server.on(
        manifestPath("v1"),
        ex -> {
          ex.getResponseHeaders().set("Docker-Content-Digest", "sha256:" + "0".repeat(64));
          respond(ex, 200, MediaTypes.OCI_MANIFEST, image.manifest());
        });

    assertEquals(RegistryException.Kind.DIGEST_MISMATCH, kindOf(() -> client().fetchManifest(repo(), "v1")));
  }

  @Test
  void blobCutOffBeforeItsContentLengthFailsTheRead() throws Exception {
    byte[] blob = new byte[200_000];
    String digest = Digest.sha256(blob).toString();
    server.on(
        blobPath(digest),
        ex -> {
          ex.sendResponseHeaders(200, blob.length);
          OutputStream out = ex.getResponseBody();
          out.write(blob, 0, 1000);
          out.flush();
          // Abandon the exchange: the connection closes with 199000 bytes missing.
          throw new IOException("simulated connection drop");
        });

    try (InputStream in = client().openBlob(repo(), digest)) {
      RegistryException e = assertThrows(RegistryException.class, in::readAllBytes);
      assertEquals(RegistryException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("download of blob " + digest + " broke off after"), e.getMessage());
    }
  }

  @Test
  void blobEndingCleanlyShortOfItsDescriptorSizeIsTruncated() throws Exception {
    byte[] blob = "the whole layer content".getBytes(StandardCharsets.UTF_8);
    String digest = Digest.sha256(blob).toString();
    server.on(
        blobPath(digest),
        ex -> {
          ex.sendResponseHeaders(200, 0); // chunked: no length to check against
          try (OutputStream out = ex.getResponseBody()) {
            out.write(blob, 0, 9);
          }
        });

    try (InputStream in = client().openBlob(repo(), Descriptor.of(MediaTypes.OCI_LAYER, digest, blob.length))) {
      RegistryException e = assertThrows(RegistryException.class, in::readAllBytes);
      assertEquals(RegistryException.Kind.DIGEST_MISMATCH, e.kind());
      assertTrue(e.getMessage().contains("is truncated: got 9 of 23 bytes"), e.getMessage());
    }
  }

  @Test
  void blobWithOtherContentFailsAtEndOfStreamAfterDeliveringTheBytes() throws Exception {
    byte[] expected = "expected content".getBytes(StandardCharsets.UTF_8);
    byte[] served = "tampered content".getBytes(StandardCharsets.UTF_8);
    String digest = Digest.sha256(expected).toString();
    server.on(blobPath(digest), ex -> respond(ex, 200, "application/octet-stream", served));

    try (InputStream in = client().openBlob(repo(), Descriptor.of(MediaTypes.OCI_LAYER, digest, expected.length))) {
      byte[] first = in.readNBytes(served.length);
      assertArrayEquals(served, first);
      RegistryException e = assertThrows(RegistryException.class, in::read);
      assertEquals(RegistryException.Kind.DIGEST_MISMATCH, e.kind());
      assertTrue(e.getMessage().contains("hashes to " + Digest.sha256(served) + ", expected " + digest), e.getMessage());
      assertThrows(RegistryException.class, in::read);
    }
    assertEquals(RegistryException.Kind.DIGEST_MISMATCH, kindOf(() -> client().fetchBlob(repo(), digest, 1000)));
  }

  @Test
  void blobLongerThanItsDescriptorFailsAsSoonAsItOverruns() throws Exception {
    byte[] blob = new byte[100_000];
    String digest = Digest.sha256(blob).toString();
    server.on(blobPath(digest), ex -> respond(ex, 200, null, blob));

    // Content-Length disagrees with the descriptor: refused before reading.
    assertEquals(
        RegistryException.Kind.DIGEST_MISMATCH,
        kindOf(() -> client().openBlob(repo(), Descriptor.of(MediaTypes.OCI_LAYER, digest, 10))));
  }

  @Test
  void rateLimitedRequestWaitsTheRetryAfterSecondsThenSucceeds() throws Exception {
    TestImage image = smallImage();
    AtomicInteger calls = new AtomicInteger();
    server.on(
        manifestPath("v1"),
        ex -> {
          if (calls.incrementAndGet() == 1) {
            ex.getResponseHeaders().set("Retry-After", "7");
            respond(ex, 429, "application/json", "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\"}]}".getBytes());
          } else {
            respond(ex, 200, MediaTypes.OCI_MANIFEST, image.manifest());
          }
        });

    RawManifest manifest = client().fetchManifest(repo(), "v1");

    assertEquals(image.manifestDigest(), manifest.digest());
    assertEquals(2, server.requests(manifestPath("v1")).size());
    assertEquals(List.of(Duration.ofSeconds(7)), sleeps);
  }

  @Test
  void retryAfterAsHttpDateIsHonouredAndOverlongWaitsAreCapped() throws Exception {
    TestImage image = smallImage();
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    AtomicInteger calls = new AtomicInteger();
    server.on(
        manifestPath("v1"),
        ex -> {
          int n = calls.incrementAndGet();
          if (n == 1) {
            ex.getResponseHeaders().set("Retry-After", "Sun, 01 Mar 2026 10:00:12 GMT");
            respond(ex, 503, null, new byte[0]);
          } else if (n == 2) {
            ex.getResponseHeaders().set("Retry-After", "3600");
            respond(ex, 429, null, new byte[0]);
          } else {
            respond(ex, 200, MediaTypes.OCI_MANIFEST, image.manifest());
          }
        });

    client(b -> b.clock(clock).maxRetryAfter(Duration.ofSeconds(30))).fetchManifest(repo(), "v1");

    assertEquals(List.of(Duration.ofSeconds(12), Duration.ofSeconds(30)), sleeps);
  }

  @Test
  void endless503GivesUpAfterTheConfiguredAttemptsWithExponentialBackoff() {
    server.on(manifestPath("v1"), ex -> respond(ex, 503, "text/plain", "down".getBytes()));

    RegistryException e =
        assertThrows(RegistryException.class, () -> client(b -> b.maxAttempts(3)).fetchManifest(repo(), "v1"));

    assertEquals(RegistryException.Kind.UNAVAILABLE, e.kind());
    assertEquals(503, e.status());
    assertTrue(e.getMessage().contains("gave up after 3 attempts, last answer server error"), e.getMessage());
    assertEquals(3, server.requests(manifestPath("v1")).size());
    assertEquals(2, sleeps.size());
    // 100 ms then 200 ms, each minus up to 20 % jitter.
    assertTrue(sleeps.get(0).toMillis() >= 80 && sleeps.get(0).toMillis() <= 100, sleeps.toString());
    assertTrue(sleeps.get(1).toMillis() >= 160 && sleeps.get(1).toMillis() <= 200, sleeps.toString());
  }

  @Test
  void connectionRefusedIsRetriedThenUnavailable() throws Exception {
    String deadHost = server.host();
    server.close();
    RegistryClient client = client(b -> b.maxAttempts(2));

    RegistryException e = assertThrows(RegistryException.class, () -> client.ping(deadHost));

    assertEquals(RegistryException.Kind.UNAVAILABLE, e.kind());
    assertEquals(-1, e.status());
    assertEquals("ping on " + deadHost + " failed: gave up after 2 attempts: cannot connect to " + deadHost
        + ": Connection refused", e.getMessage());
    server = ScriptedServer.start();
  }

  @Test
  void schema1ManifestIsUnsupportedWhetherLabelledOrNot() throws Exception {
    byte[] schema1 = resource("containers-image.v2s1.manifest.json");
    server.on(manifestPath("labelled"), ex -> respond(ex, 200, MediaTypes.DOCKER_SCHEMA1_SIGNED, schema1));
    server.on(manifestPath("unlabelled"), ex -> respond(ex, 200, "application/json", schema1));

    RegistryException labelled = assertThrows(RegistryException.class, () -> client().resolve(ref("labelled")));
    RegistryException unlabelled = assertThrows(RegistryException.class, () -> client().resolve(ref("unlabelled")));

    assertEquals(RegistryException.Kind.UNSUPPORTED, labelled.kind());
    assertEquals(RegistryException.Kind.UNSUPPORTED, unlabelled.kind());
    assertTrue(labelled.getMessage().contains("Docker image manifest schema 1 is not supported"), labelled.getMessage());
  }

  @Test
  void malformedManifestsAreMalformed() {
    server.on(manifestPath("garbage"), ex -> respond(ex, 200, MediaTypes.OCI_MANIFEST, "{\"schemaVersion\": 2, \"config\": ".getBytes()));
    server.on(
        manifestPath("nodigest"),
        ex -> respond(ex, 200, MediaTypes.OCI_MANIFEST,
            ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"x\",\"size\":2},\"layers\":[]}").getBytes()));
    server.on(
        manifestPath("badsize"),
        ex -> respond(ex, 200, MediaTypes.OCI_INDEX,
            ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":-5}]}").getBytes()));

    RegistryException garbage = assertThrows(RegistryException.class, () -> client().resolve(ref("garbage")));
    RegistryException noDigest = assertThrows(RegistryException.class, () -> client().resolve(ref("nodigest")));
    RegistryException badSize = assertThrows(RegistryException.class, () -> client().resolve(ref("badsize")));

    assertEquals(RegistryException.Kind.MALFORMED, garbage.kind());
    assertTrue(garbage.getMessage().contains("manifest is not valid JSON"), garbage.getMessage());
    assertEquals(RegistryException.Kind.MALFORMED, noDigest.kind());
    assertTrue(noDigest.getMessage().endsWith("config has no \"digest\" string"), noDigest.getMessage());
    assertEquals(RegistryException.Kind.MALFORMED, badSize.kind());
    assertTrue(badSize.getMessage().endsWith("manifests[0] has no valid \"size\""), badSize.getMessage());
  }

  @Test
  void manifestWithoutContentTypeOrMediaTypeFieldIsRecognisedByItsShape() throws Exception {
    TestImage image = smallImage();
    byte[] withoutMediaType =
        new String(image.manifest(), StandardCharsets.UTF_8)
            .replace("\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",", "")
            .getBytes(StandardCharsets.UTF_8);
    server.on(manifestPath("bare"), ex -> respond(ex, 200, null, withoutMediaType));

    ResolvedImage resolved = client().resolve(ref("bare"));

    assertEquals(MediaTypes.OCI_MANIFEST, resolved.manifestMediaType());
    assertEquals(Digest.sha256(withoutMediaType).toString(), resolved.manifestDigest());
    assertEquals(image.configDigest(), resolved.config().digest());
  }

  @Test
  void blobRedirectToAnotherHostIsFollowedWithoutTheAuthorizationHeader() throws Exception {
    byte[] blob = "layer bytes stored elsewhere".getBytes(StandardCharsets.UTF_8);
    String digest = Digest.sha256(blob).toString();
    String basic = new Credential("user", "pw").basicAuthorization();
    try (ScriptedServer storage = ScriptedServer.start()) {
      storage.on("/bucket/blob", ex -> respond(ex, 200, "application/octet-stream", blob));
      server.on(
          blobPath(digest),
          ex -> {
            if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
              ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"hostile\"");
              respond(ex, 401, null, new byte[0]);
              return;
            }
            ex.getResponseHeaders().set("Location", "http://" + storage.host() + "/bucket/blob?X-Signature=abc");
            respond(ex, 307, null, new byte[0]);
          });
      RegistryClient client = client(b -> b.credentials(RegistryCredentials.of(server.host(), new Credential("user", "pw"))));

      byte[] fetched;
      try (InputStream in = client.openBlob(repo(), digest)) {
        fetched = in.readAllBytes();
      }

      assertArrayEquals(blob, fetched);
      List<ScriptedServer.Request> registryRequests = server.requests(blobPath(digest));
      assertEquals(basic, registryRequests.get(registryRequests.size() - 1).authorization());
      assertEquals(1, storage.requests().size());
      assertNull(storage.requests().get(0).authorization());
      assertEquals("X-Signature=abc", storage.requests().get(0).query());
    }
  }

  @Test
  void accessTokenFieldIsAcceptedAndTokensWithoutExpiryLiveSixtySeconds() throws Exception {
    TestImage image = smallImage();
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    AtomicInteger issued = new AtomicInteger();
    String realm = "http://" + server.host() + "/token";
    server.on(
        "/token",
        ex -> {
          int n = issued.incrementAndGet();
          respond(ex, 200, "application/json", ("{\"access_token\":\"tok" + n + "\"}").getBytes());
        });
    server.on(
        manifestPath("v1"),
        ex -> {
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          if (auth == null || !auth.startsWith("Bearer tok")) {
            ex.getResponseHeaders().set(
                "WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"svc\",scope=\"repository:" + REPO + ":pull\"");
            respond(ex, 401, null, new byte[0]);
            return;
          }
          respond(ex, 200, MediaTypes.OCI_MANIFEST, image.manifest());
        });
    RegistryClient client = client(b -> b.clock(clock));

    client.fetchManifest(repo(), "v1");
    clock.advance(Duration.ofSeconds(50));
    client.fetchManifest(repo(), "v1");
    assertEquals(1, issued.get());
    clock.advance(Duration.ofSeconds(10));
    client.fetchManifest(repo(), "v1");
    assertEquals(2, issued.get());

    assertEquals("service=svc&scope=repository%3Aevil%2Fapp%3Apull", server.requests("/token").get(0).query());
    List<String> sent =
        server.requests(manifestPath("v1")).stream().map(ScriptedServer.Request::authorization).toList();
    assertEquals(java.util.Arrays.asList(null, "Bearer tok1", "Bearer tok1", "Bearer tok2"), sent);
  }

  @Test
  void configLargerThanTheLimitIsRefusedFromItsDescriptor() {
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () ->
                client(b -> b.maxConfigBytes(1000))
                    .fetchConfig(repo(), Descriptor.of(MediaTypes.OCI_CONFIG, "sha256:" + "1".repeat(64), 5000)));
    assertEquals(RegistryException.Kind.TOO_LARGE, e.kind());
    assertTrue(e.getMessage().endsWith("config of 5000 bytes exceeds the limit of 1000 bytes"), e.getMessage());
    assertEquals(List.of(), server.requests());
  }

  @Test
  void onlyLoopbackAndListedInsecureRegistriesUsePlainHttp() {
    RegistryClientConfig defaults = RegistryClientConfig.defaults();
    assertTrue(defaults.usesPlainHttp("127.0.0.1:5000"));
    assertTrue(defaults.usesPlainHttp("localhost"));
    assertTrue(defaults.usesPlainHttp("[::1]:5000"));
    assertTrue(!defaults.usesPlainHttp("registry.example.com"));
    assertTrue(!defaults.usesPlainHttp("127.0.0.1.nip.io:5000"));
    RegistryClientConfig insecure =
        RegistryClientConfig.builder()
            .insecureRegistries(java.util.Set.of("Registry.Internal:5000", "mirror.internal"))
            .plainHttpForLoopback(false)
            .build();
    assertTrue(insecure.usesPlainHttp("registry.internal:5000"));
    assertTrue(!insecure.usesPlainHttp("registry.internal:5001"));
    assertTrue(insecure.usesPlainHttp("mirror.internal:8080"));
    assertTrue(!insecure.usesPlainHttp("127.0.0.1:5000"));
  }

  @Test
  void credentialsAreNeverSentToAPlainHttpTokenRealmOnAnotherHost() {
    server.on(
        "/v2/",
        ex -> {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"http://attacker.example/token\",service=\"x\"");
          respond(ex, 401, null, new byte[0]);
        });
    RegistryClient client = client(b -> b.credentials(RegistryCredentials.of(server.host(), new Credential("user", "pw"))));

    RegistryException e = assertThrows(RegistryException.class, () -> client.ping(server.host()));

    assertEquals(RegistryException.Kind.FAILED, e.kind());
    assertTrue(e.getMessage().contains("refusing to send credentials to plain-HTTP token realm http://attacker.example/token"), e.getMessage());
  }

  @Test
  void unauthorizedWithoutChallengeIsUnauthorized() {
    server.on("/v2/", ex -> respond(ex, 401, null, new byte[0]));

    RegistryException e = assertThrows(RegistryException.class, () -> client().ping(server.host()));

    assertEquals(RegistryException.Kind.UNAUTHORIZED, e.kind());
    assertEquals(401, e.status());
  }

  @Test
  void pingOfAServerWithoutTheDistributionApiFails() {
    RegistryException e = assertThrows(RegistryException.class, () -> client().ping(server.host()));

    assertEquals(RegistryException.Kind.FAILED, e.kind());
    assertEquals(404, e.status());
    assertTrue(e.getMessage().contains("no OCI distribution API at /v2/"), e.getMessage());
  }

  @Test
  void tagListFollowsRelativeLinksAcrossPages() throws Exception {
    String path = "/v2/" + REPO + "/tags/list";
    server.on(
        path,
        ex -> {
          String query = ex.getRequestURI().getRawQuery();
          String body;
          if ("n=3".equals(query)) {
            ex.getResponseHeaders().set("Link", "<" + path + "?last=c&n=3>; rel=\"next\"");
            body = "{\"name\":\"evil/app\",\"tags\":[\"a\",\"b\",\"c\"]}";
          } else if ("last=c&n=3".equals(query)) {
            ex.getResponseHeaders().set("Link", "<" + path + "?last=f&n=3>; rel=\"next\"");
            body = "{\"name\":\"evil/app\",\"tags\":[\"d\",\"e\",\"f\"]}";
          } else {
            body = "{\"name\":\"evil/app\",\"tags\":[\"g\"]}";
          }
          respond(ex, 200, "application/json", body.getBytes());
        });

    List<String> tags = client(b -> b.tagPageSize(3)).listTags(repo());

    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), tags);
    assertEquals(
        List.of("n=3", "last=c&n=3", "last=f&n=3"),
        server.requests(path).stream().map(ScriptedServer.Request::query).toList());
  }

  @Test
  void tagListLinkToAnotherHostOrBackToItselfIsRefused() {
    String path = "/v2/" + REPO + "/tags/list";
    server.on(
        path,
        ex -> {
          ex.getResponseHeaders().set("Link", "<" + path + ">; rel=\"next\"");
          respond(ex, 200, "application/json", "{\"tags\":[\"a\"]}".getBytes());
        });
    assertEquals(RegistryException.Kind.MALFORMED, kindOf(() -> client().listTags(repo())));

    server.on(
        path,
        ex -> {
          ex.getResponseHeaders().set("Link", "<http://169.254.169.254/latest>; rel=\"next\"");
          respond(ex, 200, "application/json", "{\"tags\":[\"a\"]}".getBytes());
        });
    RegistryException e = assertThrows(RegistryException.class, () -> client().listTags(repo()));
    assertEquals(RegistryException.Kind.MALFORMED, e.kind());
    assertTrue(e.getMessage().contains("Link header points to another host"), e.getMessage());
  }

  @Test
  void referrersApiIsUsedWhenTheRegistryHasIt() throws Exception {
    String subject = "sha256:" + "b".repeat(64);
    String sig = "sha256:" + "c".repeat(64);
    String sbom = "sha256:" + "d".repeat(64);
    server.on(
        "/v2/" + REPO + "/referrers/" + subject,
        ex -> respond(ex, 200, MediaTypes.OCI_INDEX,
            ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + sig + "\",\"size\":10,\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"},"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + sbom + "\",\"size\":11,\"artifactType\":\"application/spdx+json\"}]}")
                .getBytes()));

    List<Descriptor> bundles =
        client().referrers(repo(), subject, "application/vnd.dev.sigstore.bundle.v0.3+json");

    assertEquals(List.of(sig), bundles.stream().map(Descriptor::digest).toList());
    assertEquals(
        "artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson",
        server.requests("/v2/" + REPO + "/referrers/" + subject).get(0).query());
    assertEquals(List.of(), server.requests(manifestPath("sha256-" + "b".repeat(64))));
  }

  @Test
  void headWithoutDigestHeaderFallsBackToGetAndHashesTheManifest() throws Exception {
    TestImage image = smallImage();
    server.on(manifestPath("v1"), ex -> respond(ex, 200, MediaTypes.OCI_MANIFEST, image.manifest()));

    DigestResolution resolution = client().headDigest(ref("v1"), Platform.LINUX_AMD64);

    assertEquals(new DigestResolution(image.manifestDigest(), MediaTypes.OCI_MANIFEST, image.manifestDigest()), resolution);
    assertEquals(
        List.of("HEAD", "GET"),
        server.requests(manifestPath("v1")).stream().map(ScriptedServer.Request::method).toList());
  }

  @Test
  void concurrentRequestsToOneRegistryStayWithinTheLimit() throws Exception {
    byte[] blob = "shared layer".getBytes(StandardCharsets.UTF_8);
    String digest = Digest.sha256(blob).toString();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    CountDownLatch twoArrived = new CountDownLatch(2);
    server.on(
        blobPath(digest),
        ex -> {
          int now = inFlight.incrementAndGet();
          maxInFlight.accumulateAndGet(now, Math::max);
          twoArrived.countDown();
          try {
            // Hold the first two requests until both are in, so a third would overlap them.
            twoArrived.await(5, TimeUnit.SECONDS);
            Thread.sleep(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inFlight.decrementAndGet();
          respond(ex, 200, null, blob);
        });
    RegistryClient client = client(b -> b.maxConcurrentRequestsPerRegistry(2));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(pool.submit(() -> client.fetchBlob(repo(), digest, 100)));
      }
      for (Future<byte[]> result : results) {
        assertArrayEquals(blob, result.get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, maxInFlight.get());
    assertEquals(6, server.requests(blobPath(digest)).size());
  }

  @Test
  void openBlobStreamsHoldTheirPermitUntilClosed() throws Exception {
    byte[] blob = "held".getBytes(StandardCharsets.UTF_8);
    String digest = Digest.sha256(blob).toString();
    server.on(blobPath(digest), ex -> respond(ex, 200, null, blob));
    RegistryClient client =
        client(b -> b.maxConcurrentRequestsPerRegistry(1).requestTimeout(Duration.ofMillis(300)));

    InputStream open = client.openBlob(repo(), digest);
    RegistryException e = assertThrows(RegistryException.class, () -> client.fetchBlob(repo(), digest, 100));
    open.close();

    assertEquals(RegistryException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("concurrent request slots"), e.getMessage());
    assertArrayEquals(blob, client.fetchBlob(repo(), digest, 100));
  }

  @Test
  void stalledBlobBodyFailsAfterTheReadTimeout() throws Exception {
    byte[] blob = new byte[1000];
    String digest = Digest.sha256(blob).toString();
    CountDownLatch release = new CountDownLatch(1);
    server.on(
        blobPath(digest),
        ex -> {
          ex.sendResponseHeaders(200, blob.length);
          OutputStream out = ex.getResponseBody();
          out.write(blob, 0, 10);
          out.flush();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    RegistryClient client = client(b -> b.readTimeout(Duration.ofMillis(300)));

    try (InputStream in = client.openBlob(repo(), digest)) {
      RegistryException e = assertThrows(RegistryException.class, in::readAllBytes);
      assertEquals(RegistryException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("broke off after 10 bytes: no data received for 300 ms"), e.getMessage());
    } finally {
      release.countDown();
    }
  }

  @Test
  void tlsRegistryIsTrustedThroughTheCaBundleAndRefusedWithout(@TempDir Path dir) throws Exception {
    dev.vigil.testsupport.TestKeys keys = dev.vigil.testsupport.TestKeys.generate("vigil test registry");
    Path bundle = dir.resolve("ca.pem");
    Files.writeString(bundle, keys.certificatePem());
    javax.net.ssl.SSLContext serverTls = javax.net.ssl.SSLContext.getInstance("TLS");
    java.security.KeyStore keyStore = java.security.KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry("server", keys.keyPair().getPrivate(), new char[0], new java.security.cert.Certificate[] {keys.certificate()});
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, new char[0]);
    serverTls.init(kmf.getKeyManagers(), null, null);
    try (ScriptedServer tls = ScriptedServer.startTls(serverTls)) {
      tls.on("/v2/", ex -> respond(ex, 200, "application/json", "{}".getBytes()));
      tls.on(
          "/v2/" + REPO + "/blobs/sha256:" + "e".repeat(64),
          ex -> {
            ex.getResponseHeaders().set("Location", "http://storage.example/blob");
            respond(ex, 302, null, new byte[0]);
          });

      RegistryClient trusting = client(b -> b.plainHttpForLoopback(false).caBundle(bundle).maxAttempts(1));
      trusting.ping(tls.host());
      RegistryException downgrade =
          assertThrows(
              RegistryException.class,
              () -> trusting.openBlob(new Repository(tls.host(), REPO), "sha256:" + "e".repeat(64)));
      assertEquals(RegistryException.Kind.FAILED, downgrade.kind());
      assertTrue(downgrade.getMessage().contains("refusing redirect to plain-HTTP host storage.example:80"), downgrade.getMessage());

      RegistryClient untrusting = client(b -> b.plainHttpForLoopback(false).maxAttempts(1));
      RegistryException e = assertThrows(RegistryException.class, () -> untrusting.ping(tls.host()));
      assertEquals(RegistryException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("TLS with " + tls.host() + " failed: PKIX path building failed"), e.getMessage());
    }
  }

  @Test
  void caBundleWithoutCertificatesIsRejectedAtConstruction(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "not a certificate\n");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RegistryClient(RegistryClientConfig.builder().caBundle(empty).build()));
    assertTrue(e.getMessage().startsWith("cannot read CA bundle " + empty) || e.getMessage().contains("holds no PEM certificate"), e.getMessage());
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = HostileRegistryTest.class.getResourceAsStream("/registry/manifests/" + name)) {
      return in.readAllBytes();
    }
  }
}
