package dev.vigil.vulndb.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server on 127.0.0.1 laid out like the osv.dev bucket: one body per path
 * ({@code /<Ecosystem>/all.zip}), 404 elsewhere. Records the raw path of every request.
 */
public final class BucketServer implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();

  public BucketServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The bucket's base URI, ending in "/". */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Serves the body at the raw (already percent-encoded) path. */
  public void serve(String rawPath, byte[] body) {
    bodies.put(rawPath, body);
  }

  /** Raw paths requested so far, in order. */
  public List<String> requested() {
    return List.copyOf(requested);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      requested.add(path);
      byte[] body = bodies.get(path);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
