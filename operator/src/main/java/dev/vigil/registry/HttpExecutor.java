package dev.vigil.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one logical request: holds a per-registry concurrency permit, follows redirects by
 * hand (so Authorization never reaches another host and HTTPS is never downgraded to a
 * non-loopback HTTP host), retries 429, 5xx and network errors with exponential backoff
 * honouring Retry-After, and reports each exchange to the listener. Knows nothing about
 * authentication.
 */
final class HttpExecutor {

  /** Created on first use, so that a scan that logs nothing never starts logback (CLI start-up). */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(HttpExecutor.class);
  }
  private static final int MAX_REDIRECTS = 5;

  private final RegistryClientConfig config;
  private final HttpTransport transport;
  private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

  HttpExecutor(RegistryClientConfig config, HttpTransport transport) {
    this.config = config;
    this.transport = transport;
  }

  /**
   * One request as the caller means it.
   *
   * @param registry registry name for errors, metrics and the concurrency limit
   * @param repository repository for error messages, may be null
   * @param operation what is being done, for error messages
   * @param method GET or HEAD
   * @param uri where to send it
   * @param headers request headers (Authorization included when wanted)
   */
  record Call(
      String registry,
      String repository,
      String operation,
      String method,
      URI uri,
      Map<String, String> headers) {

    Call withHeader(String name, String value) {
      Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
      if (value == null) {
        copy.remove(name);
      } else {
        copy.put(name, value);
      }
      return new Call(registry, repository, operation, method, uri, Map.copyOf(copy));
    }

    Call withUri(URI newUri) {
      return new Call(registry, repository, operation, method, newUri, headers);
    }

    RegistryException failure(RegistryException.Kind kind, String detail, int status) {
      return new RegistryException(kind, registry, repository, operation, detail, status);
    }

    RegistryException failure(RegistryException.Kind kind, String detail, int status, Throwable cause) {
      return new RegistryException(kind, registry, repository, operation, detail, status, cause);
    }
  }

  /** A final (non-redirect, non-retried) response. Close it, or read its body to the end. */
  static final class Response implements AutoCloseable {
    private final Call call;
    private final int status;
    private final HttpHeaders headers;
    private final URI uri;
    private final BodyStream body;

    Response(Call call, int status, HttpHeaders headers, URI uri, BodyStream body) {
      this.call = call;
      this.status = status;
      this.headers = headers;
      this.uri = uri;
      this.body = body;
    }

    Call call() {
      return call;
    }

    int status() {
      return status;
    }

    HttpHeaders headers() {
      return headers;
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    /** Where the response finally came from, after redirects. */
    URI uri() {
      return uri;
    }

    BodyStream body() {
      return body;
    }

    @Override
    public void close() {
      body.close();
    }
  }

  Response send(Call call) throws RegistryException {
    int attempt = 0;
    while (true) {
      attempt++;
      Semaphore permit = acquire(call);
      Response response;
      try {
        response = sendFollowingRedirects(call);
      } catch (RegistryException e) {
        permit.release();
        throw e;
      } catch (IOException e) {
        permit.release();
        if (attempt < config.maxAttempts()) {
          Duration wait = backoff(attempt);
          Log.LOG.debug("{} {}: {}; retry {} in {}", call.method(), call.uri(), e, attempt, wait);
          sleep(call, wait);
          continue;
        }
        throw call.failure(
            RegistryException.Kind.UNAVAILABLE,
            "gave up after " + attempt + " attempts: " + NetworkErrors.describe(e, call.uri()),
            -1,
            e);
      } catch (RuntimeException e) {
        permit.release();
        throw e;
      }
      response.body().onFinish(permit::release);
      if (!isRetryable(response.status())) {
        return response;
      }
      Optional<Duration> retryAfter =
          RetryAfter.parse(response.header("Retry-After").orElse(null), config.clock().instant());
      response.close();
      if (attempt >= config.maxAttempts()) {
        throw call.failure(
            RegistryException.Kind.UNAVAILABLE,
            "gave up after " + attempt + " attempts, last answer "
                + (response.status() == 429 ? "429 Too Many Requests" : "server error"),
            response.status());
      }
      Duration wait;
      if (retryAfter.isPresent()) {
        wait = retryAfter.get().compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : retryAfter.get();
      } else {
        wait = backoff(attempt);
      }
      Log.LOG.debug("{} {}: HTTP {}; retry {} in {}", call.method(), call.uri(), response.status(), attempt, wait);
      sleep(call, wait);
    }
  }

  private static boolean isRetryable(int status) {
    return status == 429 || (status >= 500 && status != 501 && status != 505);
  }

  /** Exponential backoff with up to 20 % jitter, so many scans do not retry in lockstep. */
  private Duration backoff(int attempt) {
    long base = config.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, config.maxBackoff().toMillis());
    long jitter = capped / 5 == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 5 + 1);
    return Duration.ofMillis(capped - jitter);
  }

  private void sleep(Call call, Duration wait) throws RegistryException {
    try {
      config.sleeper().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw call.failure(RegistryException.Kind.FAILED, "interrupted while waiting to retry", -1, e);
    }
  }

  private Semaphore acquire(Call call) throws RegistryException {
    Semaphore semaphore =
        permits.computeIfAbsent(
            call.registry(), r -> new Semaphore(config.maxConcurrentRequestsPerRegistry(), true));
    try {
      if (!semaphore.tryAcquire(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw call.failure(
            RegistryException.Kind.UNAVAILABLE,
            "waited " + config.requestTimeout().toSeconds() + " s for one of the "
                + config.maxConcurrentRequestsPerRegistry()
                + " concurrent request slots of this registry (are blob streams left open?)",
            -1);
      }
      return semaphore;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw call.failure(RegistryException.Kind.FAILED, "interrupted while waiting for a request slot", -1, e);
    }
  }

  private Response sendFollowingRedirects(Call call) throws IOException, RegistryException {
    URI uri = call.uri();
    String originalAuthority = authority(uri);
    boolean dropAuthorization = false;
    for (int hop = 0; ; hop++) {
      if (Thread.currentThread().isInterrupted()) {
        // A blocking connection does not notice an interrupt; a cancelled scan stops here.
        throw call.failure(RegistryException.Kind.FAILED, "interrupted", -1);
      }
      Map<String, String> headers = call.headers();
      if (dropAuthorization) {
        headers = new java.util.LinkedHashMap<>(headers);
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Authorization"));
      }
      HttpTransport.Exchange response;
      try {
        response = transport.exchange(call.method(), uri, headers);
      } catch (IOException e) {
        notifyListener(call.registry(), "error");
        throw e;
      }
      int status = response.status();
      notifyListener(call.registry(), Integer.toString(status));
      Optional<String> location = response.headers().firstValue("Location");
      if (!isRedirect(status) || location.isEmpty()) {
        return new Response(call, status, response.headers(), uri, response.body());
      }
      response.body().close();
      if (hop >= MAX_REDIRECTS) {
        throw call.failure(
            RegistryException.Kind.FAILED, "more than " + MAX_REDIRECTS + " redirects", status);
      }
      URI next;
      try {
        next = uri.resolve(location.get().trim());
      } catch (IllegalArgumentException e) {
        throw call.failure(
            RegistryException.Kind.MALFORMED, "redirect to an invalid location \"" + location.get() + "\"", status, e);
      }
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw call.failure(
            RegistryException.Kind.FAILED, "refusing redirect to non-HTTP location " + redact(next), status);
      }
      if (scheme.equals("http") && !config.usesPlainHttp(authority(next))) {
        throw call.failure(
            RegistryException.Kind.FAILED,
            "refusing redirect to plain-HTTP host " + authority(next)
                + " (only loopback and configured insecure registries may use HTTP)",
            status);
      }
      if (!authority(next).equals(originalAuthority)) {
        // Blob storage (S3, GCS, CDN) lives elsewhere; the registry's credentials must not follow.
        dropAuthorization = true;
      }
      uri = next;
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** host:port as the request addresses it, lower case, with the scheme's default port. */
  static String authority(URI uri) {
    String host = uri.getHost() == null ? String.valueOf(uri.getRawAuthority()) : uri.getHost();
    int port = uri.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
    return host.toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** A URI without its query, which for pre-signed storage URLs carries credentials. */
  private static String redact(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  private void notifyListener(String registry, String code) {
    try {
      config.listener().onRequest(registry, code);
    } catch (RuntimeException e) {
      Log.LOG.warn("registry request listener failed", e);
    }
  }
}
