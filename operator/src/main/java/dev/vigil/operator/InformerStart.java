package dev.vigil.operator;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starts an informer and waits for its first full list, with a clear error on timeout. */
final class InformerStart {

  private InformerStart() {}

  static void awaitSynced(SharedIndexInformer<?> informer, String what, Duration timeout) {
    try {
      informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the " + what + " informer", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the " + what + " informer did not sync within " + timeout + ": " + e.getMessage(), e);
    }
  }
}
