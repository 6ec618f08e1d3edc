package dev.vigil.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body as an InputStream that, unlike the JDK's own, fails a read that waits longer
 * than an idle timeout (a stalled server would otherwise block a scan forever), pulls one chunk
 * at a time (so memory stays bounded) and runs a callback once when it is finished (end of data,
 * failure or close), which releases the registry's concurrency permit.
 */
final class BodyStream extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final long idleTimeoutNanos;
  private final Duration idleTimeout;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile Flow.Subscription subscription;
  private volatile Runnable onFinish = () -> {};
  private Iterator<ByteBuffer> buffers = Collections.emptyIterator();
  private ByteBuffer current;
  private boolean ended;
  private boolean closed;

  BodyStream(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
    this.idleTimeoutNanos = idleTimeout.toNanos();
  }

  /** Runs once when the body is finished with, whichever way. */
  void onFinish(Runnable callback) {
    this.onFinish = Objects.requireNonNull(callback);
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedStage(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.offer(item);
  }

  @Override
  public void onError(Throwable throwable) {
    queue.offer(throwable);
  }

  @Override
  public void onComplete() {
    queue.offer(END);
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
    while (current == null || !current.hasRemaining()) {
      if (buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (ended) {
        return -1;
      }
      Object item;
      try {
        item = queue.poll(idleTimeoutNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abort();
        throw new InterruptedIOException("interrupted while reading response body");
      }
      if (item == null) {
        abort();
        throw new HttpTimeoutException("no data received for " + idleTimeout.toMillis() + " ms");
      }
      if (item == END) {
        ended = true;
        finish();
        return -1;
      }
      if (item instanceof Throwable t) {
        ended = true;
        finish();
        throw t instanceof IOException io
            ? io
            : new IOException("response body failed: " + t.getMessage(), t);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> chunk = (List<ByteBuffer>) item;
      buffers = chunk.iterator();
      subscription.request(1);
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
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
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    finish();
  }

  private void finish() {
    if (finished.compareAndSet(false, true)) {
      onFinish.run();
    }
  }
}
