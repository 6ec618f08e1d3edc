package dev.vigil.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 exchange under the registry client, against servers on 127.0.0.1: what reaches
 * the executor (status, headers in their order, the body) and how a silent server ends.
 */
class HttpTransportTest {

  private ScriptedServer server;

  @BeforeEach
  void start() throws IOException {
    server = ScriptedServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static HttpTransport transport(Duration readTimeout) {
    return new HttpTransport(RegistryClientConfig.builder()
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(readTimeout)
        .build());
  }

  private URI uri(String path) {
    return URI.create("http://" + server.host() + path);
  }

  @Test
  void repeatedResponseHeadersKeepTheOrderTheServerSentThemIn() throws Exception {
    server.on("/v2/", ex -> {
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"first\"");
      ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"second\"");
      ex.getResponseHeaders().add("www-authenticate", "Basic realm=\"third\"");
      ScriptedServer.respond(ex, 401, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    });

    HttpTransport.Exchange exchange = transport(Duration.ofSeconds(5)).exchange("GET", uri("/v2/"), Map.of());
    try (InputStream body = exchange.body()) {
      assertEquals(401, exchange.status());
      assertEquals(
          List.of("Bearer realm=\"first\"", "Basic realm=\"second\"", "Basic realm=\"third\""),
          exchange.headers().allValues("WWW-Authenticate"));
      assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), body.readAllBytes());
    }
  }

  @Test
  void requestCarriesTheCallersHeadersAndAnExplicitAccept() throws Exception {
    List<String> seen = new ArrayList<>();
    server.on("/v2/r/manifests/t", ex -> {
      seen.add(ex.getRequestHeaders().getFirst("Accept"));
      seen.add(ex.getRequestHeaders().getFirst("Authorization"));
      // No cache directives: a CDN in front of blob storage could take them as a reason to go
      // to its origin.
      seen.add(ex.getRequestHeaders().getFirst("Cache-Control"));
      seen.add(ex.getRequestHeaders().getFirst("Pragma"));
      ScriptedServer.respond(ex, 200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
    });

    transport(Duration.ofSeconds(5)).exchange("GET", uri("/v2/r/manifests/t"), Map.of()).body().readAllBytes();
    transport(Duration.ofSeconds(5))
        .exchange("GET", uri("/v2/r/manifests/t"), Map.of("Accept", "application/vnd.oci.image.manifest.v1+json",
            "Authorization", "Bearer t"))
        .body().readAllBytes();

    // Without an Accept of the caller's, HttpURLConnection would send its own list of image types.
    assertEquals(List.of("*/*", "", "", "", "application/vnd.oci.image.manifest.v1+json", "Bearer t", "", ""),
        seen.stream().map(s -> s == null ? "" : s).toList());
  }

  @Test
  void headHasAnEmptyBodyWhateverTheContentLengthSays() throws Exception {
    server.on("/v2/r/blobs/b", ex -> ScriptedServer.respond(ex, 200, "application/octet-stream", new byte[1234]));

    HttpTransport.Exchange head = transport(Duration.ofSeconds(5)).exchange("HEAD", uri("/v2/r/blobs/b"), Map.of());

    assertEquals(200, head.status());
    assertEquals("1234", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals(-1, head.body().read());
  }

  @Test
  void serverThatAcceptsButNeverAnswersTimesOutWaitingForTheResponse() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
            accepted.incrementAndGet();
          }
        } catch (IOException e) {
          // closed
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();

      URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v2/");
      HttpTimeoutException e = assertThrows(HttpTimeoutException.class,
          () -> transport(Duration.ofMillis(300)).exchange("GET", uri, Map.of()));

      assertEquals("no response within 300 ms", e.getMessage());
      assertTrue(accepted.get() >= 1);
      // The executor says it in words (NetworkErrors).
      assertTrue(NetworkErrors.describe(e, uri).startsWith("no response from 127.0.0.1:" + silent.getLocalPort() + " in time"),
          NetworkErrors.describe(e, uri));
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void aConnectionIsReusedAfterAHeadAndAfterABodyReadToItsEnd() throws Exception {
    List<Integer> clientPorts = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.on("/v2/r/blobs/b", ex -> {
      clientPorts.add(ex.getRemoteAddress().getPort());
      ScriptedServer.respond(ex, 200, "application/octet-stream", new byte[100_000]);
    });
    HttpTransport transport = transport(Duration.ofSeconds(5));

    transport.exchange("HEAD", uri("/v2/r/blobs/b"), Map.of()).body().close();
    try (InputStream body = transport.exchange("GET", uri("/v2/r/blobs/b"), Map.of()).body()) {
      assertEquals(100_000, body.readAllBytes().length);
    }
    try (InputStream body = transport.exchange("GET", uri("/v2/r/blobs/b"), Map.of()).body()) {
      assertEquals(100_000, body.readAllBytes().length);
    }

    assertEquals(3, clientPorts.size());
    assertEquals(1, clientPorts.stream().distinct().count(), "one connection for all three: " + clientPorts);
  }
}
