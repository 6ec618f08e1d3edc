package dev.vigil.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A hand-scripted HTTP server on 127.0.0.1 standing in for a misbehaving registry: each exact
 * path (query excluded) gets a handler; every request is recorded.
 */
final class ScriptedServer implements AutoCloseable {

  /** One request as received. */
  record Request(String method, String path, String query, String authorization) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, HttpHandler> handlers = new ConcurrentHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  private ScriptedServer(HttpServer server) {
    this.server = server;
    server.createContext("/", this::dispatch);
    server.setExecutor(executor);
    server.start();
  }

  static ScriptedServer start() throws IOException {
    return new ScriptedServer(HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0));
  }

  static ScriptedServer startTls(SSLContext tls) throws IOException {
    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls));
    return new ScriptedServer(https);
  }

  /** "127.0.0.1:port", usable as a registry name. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  ScriptedServer on(String path, HttpHandler handler) {
    handlers.put(path, handler);
    return this;
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Requests whose path is this one. */
  List<Request> requests(String path) {
    return requests().stream().filter(r -> r.path().equals(path)).toList();
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    try {
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders().getFirst("Authorization")));
      HttpHandler handler = handlers.get(exchange.getRequestURI().getRawPath());
      if (handler == null) {
        respond(exchange, 404, "application/json", "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"not scripted\"}]}".getBytes());
      } else {
        handler.handle(exchange);
      }
    } finally {
      exchange.close();
    }
  }

  /** Sends a complete response with Content-Length (HEAD: headers only). */
  static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
