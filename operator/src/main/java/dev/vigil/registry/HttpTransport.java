package dev.vigil.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 exchange with a registry, token service or blob store, over the JDK's blocking
 * {@link HttpURLConnection}: no redirects followed, the connection kept alive for the next
 * request to the same host.
 *
 * <p>Why not the JDK's {@code java.net.http.HttpClient}: a registry exchange is one blocking
 * request whose body is streamed by the thread that asked for it. The asynchronous client hands
 * every 16 KiB of a layer from its selector thread to the reader through queues, costs about
 * 0.1 s of CPU per 64 MB for that, and its start-up (some 260 classes, a selector thread the JVM
 * waits 300 ms for at exit) was a fifth of a cold {@code vigil scan}. The blocking connection
 * reads a layer straight from the socket into the caller's buffer.
 *
 * <p>Timeouts: connecting is bounded by the connect timeout; waiting for the response headers
 * and every wait for body data by the read timeout (an idle timeout, as for a stalled server).
 */
final class HttpTransport {

  private final RegistryClientConfig config;
  private final SSLSocketFactory tls;

  /**
   * @throws IllegalArgumentException when the configured CA bundle cannot be read (checked
   *     here, not on the first https request)
   */
  HttpTransport(RegistryClientConfig config) {
    this.config = config;
    // HttpURLConnection keeps at most http.maxConnections idle connections per host (default 5)
    // and closes the others after their request; a client with more requests in flight to one
    // registry would open (and with TLS, handshake) those anew each time. The JDK reads the
    // property once, when the first connection is made; a value the user set wins.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections",
          Integer.toString(Math.max(5, config.maxConcurrentRequestsPerRegistry())));
    }
    this.tls = config.caBundle() == null ? null : CaBundle.sslContext(config.caBundle()).getSocketFactory();
  }

  /** A response whose status and headers have arrived; its body streams from {@code body}. */
  record Exchange(int status, HttpHeaders headers, BodyStream body) {}

  /**
   * Sends {@code method} (GET or HEAD) to {@code uri} with these headers and waits for the
   * response headers.
   *
   * @throws HttpConnectTimeoutException when no connection is made within the connect timeout
   * @throws HttpTimeoutException when the response headers do not come within the read timeout
   * @throws IOException for every other network or protocol failure
   */
  Exchange exchange(String method, URI uri, Map<String, String> headers) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    if (tls != null && connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(tls);
    }
    connection.setInstanceFollowRedirects(false);
    // useCaches stays on: no ResponseCache is installed, and turning it off makes the connection
    // send "Cache-Control: no-cache", which a CDN in front of blob storage may take as a reason
    // to go to its origin.
    connection.setConnectTimeout(millis(config.connectTimeout().toMillis()));
    connection.setReadTimeout(millis(config.readTimeout().toMillis()));
    connection.setRequestMethod(method);
    connection.setRequestProperty("User-Agent", config.userAgent());
    // Else HttpURLConnection sends its own "text/html, image/gif, ..." list.
    connection.setRequestProperty("Accept", "*/*");
    for (Map.Entry<String, String> header : headers.entrySet()) {
      connection.setRequestProperty(header.getKey(), header.getValue());
    }
    int status;
    try {
      try {
        connection.connect();
      } catch (SocketTimeoutException e) {
        throw withCause(new HttpConnectTimeoutException(
            "no connection within " + config.connectTimeout().toMillis() + " ms"), e);
      }
      try {
        status = connection.getResponseCode();
      } catch (SocketTimeoutException e) {
        throw withCause(new HttpTimeoutException(
            "no response within " + config.readTimeout().toMillis() + " ms"), e);
      }
    } catch (IOException | RuntimeException e) {
      connection.disconnect();
      throw e;
    }
    if (status < 0) {
      connection.disconnect();
      throw new IOException("the answer is not HTTP (no status line)");
    }
    HttpHeaders responseHeaders = headersOf(connection);
    InputStream in;
    try {
      in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    } catch (IOException | RuntimeException e) {
      connection.disconnect();
      throw e;
    }
    if (in == null) {
      // No body to read to its end, so no way to reuse the connection: drop it.
      connection.disconnect();
      in = InputStream.nullInputStream();
    }
    long length = "HEAD".equals(method) ? 0 : responseHeaders.firstValueAsLong("Content-Length").orElse(-1);
    return new Exchange(status, responseHeaders, new BodyStream(in, length, connection, config.readTimeout()));
  }

  /**
   * The response headers in the order they came, names compared without case as HTTP says (the
   * status line left out). Read field by field: {@code getHeaderFields()} lists the values of a
   * repeated header (WWW-Authenticate, Link) in reverse order.
   */
  private static HttpHeaders headersOf(HttpURLConnection connection) {
    Map<String, List<String>> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; ; i++) {
      String value = connection.getHeaderField(i);
      if (value == null) {
        break;
      }
      String name = connection.getHeaderFieldKey(i);
      if (name != null) {
        merged.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return HttpHeaders.of(merged, (name, value) -> true);
  }

  private static <T extends IOException> T withCause(T failure, Throwable cause) {
    failure.initCause(cause);
    return failure;
  }

  private static int millis(long millis) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
  }
}
