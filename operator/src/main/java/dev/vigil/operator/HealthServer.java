package dev.vigil.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves /metrics (Prometheus text), /healthz (liveness) and /readyz (readiness) on one port. A
 * probe answers 200 {@code ok} or 503 with the reason in the body.
 */
public final class HealthServer implements AutoCloseable {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  public HealthServer(
      InetSocketAddress address,
      PrometheusMeterRegistry registry,
      Supplier<String> liveness,
      Supplier<String> readiness)
      throws IOException {
    server = HttpServer.create(address, 64);
    server.createContext("/metrics", ex -> respond(ex, 200, PROMETHEUS_TEXT, registry.scrape()));
    server.createContext("/healthz", ex -> probe(ex, liveness));
    server.createContext("/readyz", ex -> probe(ex, readiness));
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "vigil-http");
      t.setDaemon(true);
      return t;
    }));
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** @param check null when all is well, else the problem */
  private static void probe(HttpExchange ex, Supplier<String> check) throws IOException {
    String problem;
    try {
      problem = check.get();
    } catch (RuntimeException e) {
      problem = "check failed: " + e;
    }
    respond(ex, problem == null ? 200 : 503, "text/plain; charset=utf-8",
        problem == null ? "ok\n" : problem.replaceAll("\\s+", " ") + "\n");
  }

  private static void respond(HttpExchange ex, int code, String type, String body) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      if ("HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(code, -1);
        return;
      }
      ex.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
