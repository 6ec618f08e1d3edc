package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The receiver over real HTTP on 127.0.0.1. */
class WebhookServerTest {

  private static final String SECRET = "s3cret-s3cret-s3cret-0123456789";
  private static final String DIGEST =
      "sha256:3333333333333333333333333333333333333333333333333333333333333333";
  private static final String JSON = "application/json";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final LinkedBlockingQueue<PushEvent> received = new LinkedBlockingQueue<>();
  private final RecordingStats stats = new RecordingStats();
  private WebhookServer server;

  private static WebhookSettings settings() throws IOException {
    return WebhookSettings.defaults(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
        .withListenerQueue(1, 16);
  }

  private void start(WebhookSettings settings, PushListener listener) throws IOException {
    server =
        WebhookServer.start(
            settings, WebhookSecret.of(SECRET.getBytes(StandardCharsets.UTF_8)), listener, stats);
  }

  private void start() throws IOException {
    start(settings(), received::add);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String distributionPush(String tag) {
    return "{\"events\":[{\"action\":\"push\",\"target\":{"
        + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"digest\":\""
        + DIGEST
        + "\",\"repository\":\"team/app\",\"tag\":\""
        + tag
        + "\"},"
        + "\"request\":{\"host\":\"r.example.com\"}}]}";
  }

  private HttpResponse<String> post(URI uri, String contentType, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postDistribution(String body, String authorization)
      throws Exception {
    return authorization == null
        ? post(server.uri(WebhookFormat.DISTRIBUTION), JSON, body)
        : post(server.uri(WebhookFormat.DISTRIBUTION), JSON, body, "Authorization", authorization);
  }

  private PushEvent nextEvent() throws InterruptedException {
    PushEvent event = received.poll(5, TimeUnit.SECONDS);
    assertNotNull(event, "no event reached the listener");
    return event;
  }

  private static void assertPush(String tag, WebhookFormat source, PushEvent event) {
    assertEquals("r.example.com", event.registry());
    assertEquals("team/app", event.repository());
    assertEquals(tag, event.tag());
    assertEquals(DIGEST, event.digest());
    assertEquals(source, event.source());
  }

  @Test
  void authenticatedDistributionPushReachesTheListener() throws Exception {
    start();
    Instant before = Instant.now();
    HttpResponse<String> response = postDistribution(distributionPush("1.0"), "Bearer " + SECRET);
    assertEquals(202, response.statusCode());
    assertEquals("accepted 1 push event(s), 0 duplicate(s)\n", response.body());
    PushEvent event = nextEvent();
    assertPush("1.0", WebhookFormat.DISTRIBUTION, event);
    assertFalse(event.receivedAt().isBefore(before.minusSeconds(1)));
    assertEquals(Map.of("accepted", 1), stats.snapshot());
  }

  @Test
  void wrongSecretIsUnauthorizedWithoutDetail() throws Exception {
    start();
    HttpResponse<String> response =
        postDistribution(distributionPush("1.0"), "Bearer " + SECRET + "x");
    assertEquals(401, response.statusCode());
    assertEquals("unauthorized\n", response.body());
    assertEquals(Map.of("unauthorized", 1), stats.snapshot());
    assertNull(received.poll(200, TimeUnit.MILLISECONDS));
  }

  @Test
  void missingSecretIsUnauthorized() throws Exception {
    start();
    HttpResponse<String> response = postDistribution(distributionPush("1.0"), null);
    assertEquals(401, response.statusCode());
    assertEquals("unauthorized\n", response.body());
    assertEquals(Map.of("unauthorized", 1), stats.snapshot());
  }

  @Test
  void theSecretWithoutTheBearerSchemeIsUnauthorizedForDistribution() throws Exception {
    start();
    assertEquals(401, postDistribution(distributionPush("1.0"), SECRET).statusCode());
  }

  private static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static final String GITHUB_PACKAGE =
      "{\"action\":\"published\",\"package\":{\"name\":\"app\",\"namespace\":\"acme\","
          + "\"ecosystem\":\"CONTAINER\",\"package_version\":{\"container_metadata\":"
          + "{\"tag\":{\"name\":\"v1\",\"digest\":\""
          + DIGEST
          + "\"}}}}}";

  @Test
  void gitHubEventWithAValidSignatureIsAccepted() throws Exception {
    start();
    HttpResponse<String> response =
        post(
            server.uri(WebhookFormat.GITHUB),
            JSON,
            GITHUB_PACKAGE,
            "X-GitHub-Event",
            "package",
            "X-Hub-Signature-256",
            "sha256=" + hmac(GITHUB_PACKAGE));
    assertEquals(202, response.statusCode());
    PushEvent event = nextEvent();
    assertEquals("ghcr.io/acme/app:v1@" + DIGEST, event.reference().canonical());
  }

  @Test
  void gitHubEventWithABadSignatureIsUnauthorized() throws Exception {
    start();
    String signature = hmac(GITHUB_PACKAGE + " ");
    HttpResponse<String> response =
        post(
            server.uri(WebhookFormat.GITHUB),
            JSON,
            GITHUB_PACKAGE,
            "X-Hub-Signature-256",
            "sha256=" + signature);
    assertEquals(401, response.statusCode());
    HttpResponse<String> unprefixed =
        post(
            server.uri(WebhookFormat.GITHUB),
            JSON,
            GITHUB_PACKAGE,
            "X-Hub-Signature-256",
            hmac(GITHUB_PACKAGE));
    assertEquals(401, unprefixed.statusCode());
    assertEquals(Map.of("unauthorized", 2), stats.snapshot());
  }

  private static final String HARBOR_PUSH =
      "{\"type\":\"PUSH_ARTIFACT\",\"event_data\":{\"resources\":[{\"digest\":\""
          + DIGEST
          + "\",\"tag\":\"2.0\",\"resource_url\":\"r.example.com/team/app:2.0\"}],"
          + "\"repository\":{\"repo_full_name\":\"team/app\"}}}";

  @Test
  void harborSendsTheSecretAsTheWholeAuthorizationHeader() throws Exception {
    start();
    assertEquals(
        202,
        post(server.uri(WebhookFormat.HARBOR), JSON, HARBOR_PUSH, "Authorization", SECRET)
            .statusCode());
    assertPush("2.0", WebhookFormat.HARBOR, nextEvent());
    assertEquals(
        401,
        post(
                server.uri(WebhookFormat.HARBOR),
                JSON,
                HARBOR_PUSH,
                "Authorization",
                "Bearer " + SECRET)
            .statusCode());
  }

  private static final String DOCKER_HUB_PUSH =
      "{\"push_data\":{\"tag\":\"3.0\"},\"repository\":{\"repo_name\":\"acme/app\"}}";

  @Test
  void dockerHubAuthenticatesWithATokenInTheQueryOrAHeaderButNotBoth() throws Exception {
    start();
    URI base = server.uri(WebhookFormat.DOCKER_HUB);
    URI withToken = URI.create(base + "?token=" + SECRET);
    assertEquals(202, post(withToken, JSON, DOCKER_HUB_PUSH).statusCode());
    assertEquals("docker.io/acme/app:3.0", nextEvent().reference().canonical());
    assertEquals(
        202,
        post(base, JSON, DOCKER_HUB_PUSH.replace("3.0", "3.1"), "X-Vigil-Token", SECRET)
            .statusCode());
    assertEquals("docker.io/acme/app:3.1", nextEvent().reference().canonical());
    assertEquals(401, post(withToken, JSON, DOCKER_HUB_PUSH, "X-Vigil-Token", SECRET).statusCode());
    assertEquals(401, post(URI.create(base + "?token=wrong"), JSON, DOCKER_HUB_PUSH).statusCode());
    assertEquals(Map.of("accepted", 2, "unauthorized", 2), stats.snapshot());
  }

  @Test
  void bodyDeclaredLargerThanTheLimitIsRefusedUnread() throws Exception {
    start(settings().withMaxBodyBytes(1024), received::add);
    String big = "{\"events\":[],\"pad\":\"" + "x".repeat(4096) + "\"}";
    HttpResponse<String> response = postDistribution(big, "Bearer " + SECRET);
    assertEquals(413, response.statusCode());
    assertEquals("body larger than 1024 bytes\n", response.body());
    assertEquals(Map.of("rejected", 1), stats.snapshot());
  }

  @Test
  void streamedBodyWithoutLengthIsCutAtTheLimit() throws Exception {
    start(settings().withMaxBodyBytes(1024), received::add);
    byte[] big =
        ("{\"events\":[],\"pad\":\"" + "x".repeat(4096) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(server.uri(WebhookFormat.DISTRIBUTION))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", JSON)
            .header("Authorization", "Bearer " + SECRET)
            // An input-stream body has no known length: the client sends it chunked.
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode());
    assertEquals(Map.of("rejected", 1), stats.snapshot());
  }

  @Test
  void malformedJsonIsABadRequestWithAShortReason() throws Exception {
    start();
    HttpResponse<String> response = postDistribution("{\"events\": [", "Bearer " + SECRET);
    assertEquals(400, response.statusCode());
    assertTrue(response.body().startsWith("malformed payload: malformed JSON: "), response.body());
    assertEquals(1, response.body().lines().count());
    assertEquals(Map.of("rejected", 1), stats.snapshot());
  }

  @Test
  void malformedPayloadsAreNotExplainedBeforeAuthentication() throws Exception {
    start();
    HttpResponse<String> response = postDistribution("{\"events\": [", null);
    assertEquals(401, response.statusCode());
    assertEquals("unauthorized\n", response.body());
  }

  @Test
  void otherMethodsAreNotAllowed() throws Exception {
    start();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(server.uri(WebhookFormat.DISTRIBUTION)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, response.statusCode());
    assertEquals("POST", response.headers().firstValue("Allow").orElse(null));
    assertEquals(Map.of("rejected", 1), stats.snapshot());
  }

  @Test
  void unknownPathsAreNotFound() throws Exception {
    start();
    URI base = server.uri(WebhookFormat.DISTRIBUTION);
    for (String path : new String[] {"/webhook/jfrog", "/webhook/distribution/", "/", "/v2/"}) {
      HttpResponse<String> response =
          post(
              base.resolve(path), JSON, distributionPush("1"), "Authorization", "Bearer " + SECRET);
      assertEquals(404, response.statusCode(), path);
    }
    assertEquals(Map.of("rejected", 4), stats.snapshot());
  }

  @Test
  void bodiesThatAreNotJsonAreUnsupported() throws Exception {
    start();
    assertEquals(
        415,
        post(
                server.uri(WebhookFormat.DISTRIBUTION),
                "application/x-www-form-urlencoded",
                distributionPush("1"),
                "Authorization",
                "Bearer " + SECRET)
            .statusCode());
    assertEquals(
        415,
        post(
                server.uri(WebhookFormat.DISTRIBUTION),
                null,
                distributionPush("1"),
                "Authorization",
                "Bearer " + SECRET)
            .statusCode());
    // distribution's own media type is JSON too.
    assertEquals(
        202,
        post(
                server.uri(WebhookFormat.DISTRIBUTION),
                "application/vnd.docker.distribution.events.v1+json; charset=utf-8",
                distributionPush("1"),
                "Authorization",
                "Bearer " + SECRET)
            .statusCode());
    assertEquals(Map.of("accepted", 1, "rejected", 2), stats.snapshot());
  }

  @Test
  void aSenderWithoutTheSecretOverItsRateGets429WithRetryAfter() throws Exception {
    start(
        settings()
            .withRateLimits(
                new RateLimit(2, 1, Duration.ofHours(1)), RateLimit.perSecond(100, 100)),
        received::add);
    assertEquals(401, postDistribution(distributionPush("1"), "Bearer wrong-secret-0123456789").statusCode());
    assertEquals(401, postDistribution(distributionPush("2"), null).statusCode());
    HttpResponse<String> limited = postDistribution(distributionPush("3"), null);
    assertEquals(429, limited.statusCode());
    assertRetryAfterAtMost(3600, limited);
    // Once the budget is spent, even the secret does not get through that address.
    assertEquals(429, postDistribution(distributionPush("4"), "Bearer " + SECRET).statusCode());
    assertEquals(Map.of("unauthorized", 2, "rateLimited", 2), stats.snapshot());
  }

  @Test
  void aStandbyAnswers503SoTheRegistryRetriesAndTheRetryIsHandedOnOnceActive() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean active = new java.util.concurrent.atomic.AtomicBoolean(false);
    start(settings(), new PushListener() {
      @Override
      public void onPush(PushEvent event) {
        received.add(event);
      }

      @Override
      public boolean accepting() {
        return active.get();
      }
    });
    HttpResponse<String> standby = postDistribution(distributionPush("standby"), "Bearer " + SECRET);
    assertEquals(503, standby.statusCode());
    assertEquals("5", standby.headers().firstValue("Retry-After").orElseThrow());
    // Only the secret's holder learns that: a stranger still gets 401.
    assertEquals(401, postDistribution(distributionPush("standby"), null).statusCode());

    active.set(true);
    assertEquals(202, postDistribution(distributionPush("standby"), "Bearer " + SECRET).statusCode());
    assertNotNull(nextEvent(), "the retried push is not taken for a duplicate of the refused one");
  }

  @Test
  void theRegistryItselfIsNotHeldBackByItsManyNotifications() throws Exception {
    start(
        settings()
            .withRateLimits(
                new RateLimit(2, 1, Duration.ofHours(1)), new RateLimit(3, 1, Duration.ofHours(1))),
        received::add);
    // A registry notifies every push and pull it serves: ten in a row, far over the budget of 2.
    for (int i = 0; i < 10; i++) {
      assertEquals(202, postDistribution(distributionPush("busy-" + i), "Bearer " + SECRET).statusCode());
    }
    assertEquals(Map.of("accepted", 10), stats.snapshot());
  }

  /** Retry-After counts down from the refill period while the test runs, so allow for that. */
  private static void assertRetryAfterAtMost(long seconds, HttpResponse<String> response) {
    long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > seconds / 2 && retryAfter <= seconds, "Retry-After " + retryAfter);
  }

  @Test
  void theGlobalRateHoldsBackEveryone() throws Exception {
    start(
        settings()
            .withRateLimits(
                RateLimit.perSecond(100, 100), new RateLimit(1, 1, Duration.ofMinutes(1))),
        received::add);
    assertEquals(401, postDistribution(distributionPush("1"), null).statusCode());
    HttpResponse<String> limited = postDistribution(distributionPush("2"), "Bearer " + SECRET);
    assertEquals(429, limited.statusCode());
    assertRetryAfterAtMost(60, limited);
  }

  @Test
  void aFullListenerQueueAnswers503AndTheRetryIsNotSwallowedAsADuplicate() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstStarted = new CountDownLatch(1);
    start(
        settings().withListenerQueue(1, 1),
        event -> {
          firstStarted.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          received.add(event);
        });
    assertEquals(202, postDistribution(distributionPush("1"), "Bearer " + SECRET).statusCode());
    assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
    // The listener is stuck, yet requests are still answered at once.
    assertEquals(202, postDistribution(distributionPush("2"), "Bearer " + SECRET).statusCode());
    HttpResponse<String> full = postDistribution(distributionPush("3"), "Bearer " + SECRET);
    assertEquals(503, full.statusCode());
    assertEquals("1", full.headers().firstValue("Retry-After").orElse(null));
    release.countDown();
    assertEquals("1", nextEvent().tag());
    assertEquals("2", nextEvent().tag());
    assertEquals(202, postDistribution(distributionPush("3"), "Bearer " + SECRET).statusCode());
    assertEquals("3", nextEvent().tag());
    assertEquals(Map.of("accepted", 3, "rejected", 1), stats.snapshot());
  }

  @Test
  void identicalPushesWithinTheWindowReachTheListenerOnce() throws Exception {
    start();
    assertEquals(202, postDistribution(distributionPush("1"), "Bearer " + SECRET).statusCode());
    HttpResponse<String> again = postDistribution(distributionPush("1"), "Bearer " + SECRET);
    assertEquals(202, again.statusCode());
    assertEquals("accepted 1 push event(s), 1 duplicate(s)\n", again.body());
    assertEquals(202, postDistribution(distributionPush("2"), "Bearer " + SECRET).statusCode());
    // One listener thread delivers in order: had the duplicate been handed on, it would be next.
    assertEquals("1", nextEvent().tag());
    assertEquals("2", nextEvent().tag());
    assertEquals(Map.of("accepted", 3), stats.snapshot());
  }

  @Test
  void aFailingListenerDoesNotStopLaterDeliveries() throws Exception {
    start(
        settings(),
        event -> {
          if ("boom".equals(event.tag())) {
            throw new IllegalStateException("listener failure");
          }
          received.add(event);
        });
    assertEquals(202, postDistribution(distributionPush("boom"), "Bearer " + SECRET).statusCode());
    assertEquals(202, postDistribution(distributionPush("1"), "Bearer " + SECRET).statusCode());
    assertEquals("1", nextEvent().tag());
  }

  @Test
  void logsNeverContainTheSecretOrTheBody() throws Exception {
    Logger webhookLogger = (Logger) LoggerFactory.getLogger("dev.vigil.webhook");
    Level previous = webhookLogger.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    webhookLogger.addAppender(appender);
    webhookLogger.setLevel(Level.DEBUG);
    try {
      start();
      String marker = "body-marker-7c1e";
      postDistribution(distributionPush("1"), "Bearer " + SECRET);
      postDistribution(distributionPush("1").replace("team/app", marker), "Bearer " + SECRET);
      postDistribution("{\"" + marker + "\": [", "Bearer " + SECRET);
      postDistribution(distributionPush("2"), "Bearer wrong-" + SECRET);
      post(
          URI.create(server.uri(WebhookFormat.QUAY) + "?token=" + SECRET),
          JSON,
          "{\"" + marker + "\":1}");
      assertFalse(appender.list.isEmpty(), "debug logging produced nothing to check");
      for (ILoggingEvent event : appender.list) {
        String line = event.getFormattedMessage();
        assertFalse(line.contains(SECRET), line);
        assertFalse(line.contains(marker), line);
      }
    } finally {
      webhookLogger.detachAppender(appender);
      webhookLogger.setLevel(previous);
    }
  }
}
