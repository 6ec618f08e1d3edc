package dev.vigil.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Says in words why a request to a URL failed: which host and port, and whether the name did
 * not resolve, the connection was refused or timed out, no answer came, or TLS failed. The JDK
 * HTTP client reports most of these as a {@link ConnectException} without a message (a refused
 * connection surfaces as a closed channel), which left users reading "cannot fetch URL: null".
 */
public final class NetworkErrors {

  private static final int PROBE_TIMEOUT_MILLIS = 3000;

  private NetworkErrors() {}

  /** "host:port", with the scheme's default port. */
  public static String hostAndPort(URI uri) {
    int port = uri.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
    return uri.getHost() + ":" + port;
  }

  /**
   * Why a request to {@code uri} failed with {@code failure}, e.g. "cannot connect to
   * 127.0.0.1:8080: Connection refused" or "cannot resolve host osv.example". When the
   * exception does not say why a connection failed, a plain TCP connection to the same host and
   * port is tried once (at most 3 s) and its error is reported instead.
   */
  public static String describe(Throwable failure, URI uri) {
    String host = uri.getHost();
    String target = hostAndPort(uri);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "cannot resolve host " + host;
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "connecting to " + target + " timed out";
      }
      if (t instanceof HttpTimeoutException) {
        return "no response from " + target + " in time (" + t.getMessage() + ")";
      }
      if (t instanceof SSLException) {
        return "TLS with " + target + " failed: " + message(t);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        String reason = firstMessage(t);
        return "cannot connect to " + target + ": " + (reason != null ? reason : probe(uri));
      }
    }
    String reason = firstMessage(failure);
    return (reason != null ? reason : failure.getClass().getSimpleName()) + " (" + target + ")";
  }

  /** What a plain TCP connection to the URL's host and port runs into now. */
  static String probe(URI uri) {
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port), PROBE_TIMEOUT_MILLIS);
      return "the connection was closed (a new connection succeeds)";
    } catch (UnknownHostException e) {
      return "cannot resolve host " + uri.getHost();
    } catch (SocketTimeoutException e) {
      return "timed out";
    } catch (NoRouteToHostException e) {
      return "no route to host";
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      String message = e.getMessage();
      return message != null ? message : e.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
  }

  private static String message(Throwable t) {
    String message = firstMessage(t);
    return message != null ? message : t.getClass().getSimpleName();
  }

  /** The first non-blank message along the cause chain. */
  private static String firstMessage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && !message.isBlank()) {
        return message;
      }
    }
    return null;
  }
}
