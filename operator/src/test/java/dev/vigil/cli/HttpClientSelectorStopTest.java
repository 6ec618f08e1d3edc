package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CLI ends the JDK HTTP client's selector thread before it exits: a thread waiting in
 * native code (epoll) makes the JVM's exit wait at least 300 ms. Java 17's HttpClient cannot
 * be closed; this pins that interrupting the thread ends it, on the JDK the tests run on.
 */
class HttpClientSelectorStopTest {

  @Test
  void interruptingAFinishedClientsSelectorThreadEndsIt() throws Exception {
    Set<Thread> before = new HashSet<>(selectors());
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<Void> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertEquals(200, response.statusCode());
      List<Thread> ours = selectors().stream().filter(t -> !before.contains(t)).toList();
      assertEquals(1, ours.size(), "the client's selector thread");

      VigilCommand.stopHttpClientSelectors(ours::contains);

      assertFalse(ours.get(0).isAlive(), ours.get(0).getName() + " still runs");
    } finally {
      server.stop(0);
    }
  }

  private static List<Thread> selectors() {
    return Thread.getAllStackTraces().keySet().stream().filter(VigilCommand::isHttpClientSelector).toList();
  }
}
