package dev.vigil.vulndb.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server on 127.0.0.1 serving one body at one path, honouring If-None-Match and
 * If-Modified-Since like a bucket does. Records every request's conditional headers.
 */
public final class ZipServer implements AutoCloseable {

  /** What the server saw and answered. */
  public record Request(String path, String ifNoneMatch, String ifModifiedSince, int status) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile byte[] body = new byte[0];
  private volatile String etag;
  private volatile String lastModified;
  private volatile int forcedStatus;

  public ZipServer(String path) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(path, this::handle);
    server.start();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  public void serve(byte[] body, String etag, String lastModified) {
    this.body = body;
    this.etag = etag;
    this.lastModified = lastModified;
    this.forcedStatus = 0;
  }

  /** Answers every request with this status and an empty body (0 = back to normal). */
  public void failWith(int status) {
    this.forcedStatus = status;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
      String ifModifiedSince = exchange.getRequestHeaders().getFirst("If-Modified-Since");
      int status;
      byte[] answer = new byte[0];
      if (forcedStatus != 0) {
        status = forcedStatus;
      } else if ((etag != null && etag.equals(ifNoneMatch))
          || (etag == null && lastModified != null && lastModified.equals(ifModifiedSince))) {
        status = 304;
      } else {
        status = 200;
        answer = body;
      }
      requests.add(new Request(exchange.getRequestURI().getPath(), ifNoneMatch, ifModifiedSince, status));
      if (status == 200) {
        if (etag != null) {
          exchange.getResponseHeaders().add("ETag", etag);
        }
        if (lastModified != null) {
          exchange.getResponseHeaders().add("Last-Modified", lastModified);
        }
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      } else {
        exchange.sendResponseHeaders(status, -1);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
