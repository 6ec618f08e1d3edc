package dev.vigil.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook request, start to finish: rate limit, path, method, content type, size,
 * authentication, parsing, de-duplication, hand-off. Every request ends in exactly one stats call.
 * Neither the secret nor the body is ever logged; a 401 says nothing about why.
 */
final class WebhookExchangeHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookExchangeHandler.class);
  private static final Pattern JSON_MEDIA_TYPE =
      Pattern.compile("application/(?:json|[a-z0-9.+-]+\\+json)");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final int MAX_REASON_LENGTH = 300;

  private final Map<WebhookFormat, WebhookEndpoint> endpoints = new EnumMap<>(WebhookFormat.class);
  private final WebhookSecret secret;
  private final int maxBodyBytes;
  private final RequestRateLimiter rateLimiter;
  private final PushDeduplicator deduplicator;
  private final PushDispatcher dispatcher;
  private final WebhookStats stats;
  private final Clock clock;

  WebhookExchangeHandler(
      WebhookSecret secret,
      int maxBodyBytes,
      RequestRateLimiter rateLimiter,
      PushDeduplicator deduplicator,
      PushDispatcher dispatcher,
      WebhookStats stats,
      Clock clock) {
    for (WebhookFormat format : WebhookFormat.values()) {
      endpoints.put(format, WebhookEndpoint.of(format));
    }
    this.secret = secret;
    this.maxBodyBytes = maxBodyBytes;
    this.rateLimiter = rateLimiter;
    this.deduplicator = deduplicator;
    this.dispatcher = dispatcher;
    this.stats = stats;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      handleCounted(exchange);
    } catch (IOException e) {
      // The client went away mid-request; nothing left to answer.
      LOG.debug("webhook request from {} failed: {}", remote(exchange), e.toString());
    } catch (RuntimeException e) {
      LOG.warn("webhook request from {} failed", remote(exchange), e);
      stats.rejected();
      sendIfPossible(exchange, 500, "internal error\n");
    }
  }

  private void handleCounted(HttpExchange exchange) throws IOException {
    Optional<Duration> wait = rateLimiter.acquire(remote(exchange));
    if (wait.isPresent()) {
      exchange
          .getResponseHeaders()
          .set("Retry-After", Long.toString(retryAfterSeconds(wait.get())));
      stats.rateLimited();
      send(exchange, 429, "too many requests\n");
      return;
    }
    Optional<WebhookFormat> format = WebhookFormat.forPath(exchange.getRequestURI().getRawPath());
    if (format.isEmpty()) {
      reject(exchange, 404, "no webhook at this path");
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      reject(exchange, 405, "only POST is accepted");
      return;
    }
    if (!isJson(exchange.getRequestHeaders().getFirst("Content-Type"))) {
      reject(exchange, 415, "Content-Type must be application/json");
      return;
    }
    String declaredLength = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declaredLength != null && isOverLimit(declaredLength)) {
      reject(exchange, 413, "body larger than " + maxBodyBytes + " bytes");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      reject(exchange, 413, "body larger than " + maxBodyBytes + " bytes");
      return;
    }

    WebhookEndpoint endpoint = endpoints.get(format.get());
    if (!endpoint
        .auth()
        .verify(
            secret, exchange.getRequestHeaders(), exchange.getRequestURI().getRawQuery(), body)) {
      LOG.debug("webhook {} from {}: not authenticated", endpoint.format(), remote(exchange));
      stats.unauthorized();
      send(exchange, 401, "unauthorized\n");
      return;
    }

    rateLimiter.refund(remote(exchange));
    if (!dispatcher.accepting()) {
      exchange.getResponseHeaders().set("Retry-After", "5");
      reject(exchange, 503, "not the active replica; retry");
      return;
    }
    Instant receivedAt = clock.instant();
    List<PushEvent> events;
    try {
      events = endpoint.parser().parse(body, receivedAt);
    } catch (WebhookPayloadException e) {
      reject(exchange, 400, "malformed payload: " + e.getMessage());
      return;
    }
    int handedOn = 0;
    for (PushEvent event : events) {
      if (!deduplicator.claim(event)) {
        continue;
      }
      if (!dispatcher.offer(event)) {
        deduplicator.release(event);
        exchange.getResponseHeaders().set("Retry-After", "1");
        reject(exchange, 503, "event queue full, retry later");
        return;
      }
      handedOn++;
    }
    LOG.debug(
        "webhook {} from {}: {} push event(s), {} handed on",
        endpoint.format(),
        remote(exchange),
        events.size(),
        handedOn);
    stats.accepted();
    send(
        exchange,
        202,
        "accepted "
            + events.size()
            + " push event(s), "
            + (events.size() - handedOn)
            + " duplicate(s)\n");
  }

  /** Whole seconds for Retry-After, rounded up so a retry at that time finds a token. */
  static long retryAfterSeconds(Duration wait) {
    long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  private boolean isOverLimit(String declaredLength) {
    try {
      return Long.parseLong(declaredLength.trim()) > maxBodyBytes;
    } catch (NumberFormatException e) {
      // The JDK server refuses malformed lengths before we get here; be safe regardless.
      return true;
    }
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon));
    return JSON_MEDIA_TYPE.matcher(mediaType.trim().toLowerCase(Locale.ROOT)).matches();
  }

  private void reject(HttpExchange exchange, int status, String reason) throws IOException {
    LOG.debug("webhook request from {} refused with {}: {}", remote(exchange), status, reason);
    stats.rejected();
    // Reasons may quote payload values: keep them to one short line.
    String shown = CONTROL.matcher(reason).replaceAll("?");
    if (shown.length() > MAX_REASON_LENGTH) {
      shown = shown.substring(0, MAX_REASON_LENGTH) + "...";
    }
    send(exchange, status, shown + "\n");
  }

  private static void send(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sendIfPossible(HttpExchange exchange, int status, String text) {
    try {
      send(exchange, status, text);
    } catch (IOException | RuntimeException alreadyAnswered) {
      // Headers were sent before the failure, or the client is gone.
    }
  }

  private static InetAddress remote(HttpExchange exchange) {
    return exchange.getRemoteAddress().getAddress();
  }
}
