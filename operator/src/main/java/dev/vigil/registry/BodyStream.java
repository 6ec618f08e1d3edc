package dev.vigil.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body that fails a read waiting longer than the idle timeout with a message saying
 * so, fails a body that ends before its Content-Length (the connection broke off) instead of
 * looking complete, and runs a callback once when it is finished with (end of data, failure or
 * close), which releases the registry's concurrency permit. Closed before its end, it drops the
 * connection rather than reading the rest of a layer nobody wants.
 */
final class BodyStream extends InputStream {

  private final InputStream in;
  private final long length;
  private final HttpURLConnection connection;
  private final Duration idleTimeout;
  private volatile Runnable onFinish = () -> {};
  private final AtomicBoolean finished = new AtomicBoolean();
  private boolean ended;
  private boolean closed;
  private long received;

  /**
   * @param length the announced Content-Length, or -1
   * @param connection dropped when the body is abandoned before its end
   */
  BodyStream(InputStream in, long length, HttpURLConnection connection, Duration idleTimeout) {
    this.in = in;
    this.length = length;
    this.connection = connection;
    this.idleTimeout = idleTimeout;
  }

  /** Runs once when the body is finished with, whichever way. */
  void onFinish(Runnable callback) {
    this.onFinish = Objects.requireNonNull(callback);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("response body stream is closed");
    }
    if (len == 0) {
      return 0;
    }
    if (ended) {
      return -1;
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (SocketTimeoutException e) {
      abort();
      HttpTimeoutException timeout =
          new HttpTimeoutException("no data received for " + idleTimeout.toMillis() + " ms");
      timeout.initCause(e);
      throw timeout;
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
    if (n < 0) {
      if (length >= 0 && received < length) {
        abort();
        throw new IOException("the connection closed after " + received + " of " + length + " announced bytes");
      }
      ended = true;
      try {
        in.close(); // hands a kept-alive connection back for the next request
      } finally {
        finish();
      }
      return -1;
    }
    received += n;
    return n;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!ended) {
      abort();
    }
  }

  private void abort() {
    ended = true;
    try {
      connection.disconnect();
    } finally {
      finish();
    }
  }

  private void finish() {
    if (finished.compareAndSet(false, true)) {
      onFinish.run();
    }
  }
}
