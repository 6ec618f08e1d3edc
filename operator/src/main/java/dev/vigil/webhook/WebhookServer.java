package dev.vigil.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry webhook receiver: an HTTP endpoint on its own address that accepts push
 * notifications (paths in {@link WebhookFormat}), checks that the sender knows the shared secret,
 * and hands each manifest push to a {@link PushListener} at once. Only constructed when webhooks
 * are enabled.
 *
 * <pre>{@code
 * try (WebhookServer server = WebhookServer.start(
 *     WebhookSettings.defaults(new InetSocketAddress(8090)), WebhookSecret.of(secretBytes),
 *     event -> scans.recheck(event), stats)) {
 *   ...
 * }
 * }</pre>
 */
public final class WebhookServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);

  /** Connections waiting for a free HTTP thread beyond which new ones are closed at once. */
  private static final int HTTP_QUEUE = 64;

  private final HttpServer server;
  private final ThreadPoolExecutor httpExecutor;
  private final PushDispatcher dispatcher;

  private WebhookServer(
      HttpServer server, ThreadPoolExecutor httpExecutor, PushDispatcher dispatcher) {
    this.server = server;
    this.httpExecutor = httpExecutor;
    this.dispatcher = dispatcher;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound
   */
  public static WebhookServer start(
      WebhookSettings settings, WebhookSecret secret, PushListener listener, WebhookStats stats)
      throws IOException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(stats, "stats");
    PushDispatcher dispatcher =
        new PushDispatcher(listener, settings.listenerThreads(), settings.queueCapacity());
    HttpServer server;
    try {
      server = HttpServer.create(settings.bindAddress(), 0);
    } catch (IOException | RuntimeException e) {
      dispatcher.close();
      throw e;
    }
    WebhookExchangeHandler handler =
        new WebhookExchangeHandler(
            secret,
            settings.maxBodyBytes(),
            new RequestRateLimiter(
                settings.perAddress(), settings.global(), 10_000, System::nanoTime),
            new PushDeduplicator(settings.dedupeWindow(), 10_000, System::nanoTime),
            dispatcher,
            stats,
            Clock.systemUTC());
    // One context for everything, so unknown paths are answered (and counted) by the handler.
    server.createContext("/", handler);
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "vigil-webhook-http-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadPoolExecutor httpExecutor =
        new ThreadPoolExecutor(
            settings.httpThreads(),
            settings.httpThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(HTTP_QUEUE),
            factory,
            new ThreadPoolExecutor.AbortPolicy());
    server.setExecutor(httpExecutor);
    server.start();
    LOG.info("webhook receiver listening on {}", server.getAddress());
    return new WebhookServer(server, httpExecutor, dispatcher);
  }

  /** The bound address (with the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Where a sender of this format posts, e.g. "http://127.0.0.1:8090/webhook/harbor". */
  public URI uri(WebhookFormat format) {
    InetSocketAddress address = address();
    String host = address.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + format.path());
  }

  /** Stops listening, then delivers what is queued (waiting a few seconds at most). */
  @Override
  public void close() {
    server.stop(0);
    httpExecutor.shutdownNow();
    dispatcher.close();
  }
}
