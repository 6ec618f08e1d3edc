package dev.vigil.webhook;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands push events to the listener on a few worker threads with a bounded queue, so that a slow
 * listener never holds an HTTP thread and a flood cannot queue without limit.
 */
final class PushDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PushDispatcher.class);

  private final PushListener listener;
  private final ThreadPoolExecutor executor;

  PushDispatcher(PushListener listener, int threads, int queueCapacity) {
    if (threads < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException(
          "listener threads and queue capacity must be at least 1, got "
              + threads
              + " and "
              + queueCapacity);
    }
    this.listener = listener;
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "vigil-webhook-listener-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            factory,
            new ThreadPoolExecutor.AbortPolicy());
  }

  /** Whether the listener acts on pushes now ({@link PushListener#accepting()}). */
  boolean accepting() {
    return listener.accepting();
  }

  /**
   * Queues an event for the listener.
   *
   * @return false when the queue is full (or the dispatcher closed) and the event was not taken
   */
  boolean offer(PushEvent event) {
    try {
      executor.execute(() -> deliver(event));
      return true;
    } catch (RejectedExecutionException full) {
      return false;
    }
  }

  private void deliver(PushEvent event) {
    try {
      listener.onPush(event);
    } catch (RuntimeException e) {
      LOG.warn("push listener failed for {}", event, e);
    }
  }

  /** Stops taking events and waits briefly for queued ones to be delivered. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
