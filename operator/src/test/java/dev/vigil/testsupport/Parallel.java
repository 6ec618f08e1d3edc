package dev.vigil.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** Set-up work of large tests (pushing hundreds of images, creating thousands of objects) on a few threads. */
public final class Parallel {

  private Parallel() {}

  /** One piece of work by its index. */
  @FunctionalInterface
  public interface Task<T> {
    T run(int index) throws Exception;
  }

  /** {@code task(0)} to {@code task(count - 1)} on {@code threads} threads; the results in index order. */
  public static <T> List<T> map(int count, int threads, Task<T> task) throws Exception {
    return map(count, threads, task, index -> {});
  }

  /**
   * As {@link #map(int, int, Task)}, calling {@code done} with each index as its result is taken,
   * in index order (for progress lines). The first failure is thrown; the rest are cancelled.
   */
  public static <T> List<T> map(int count, int threads, Task<T> task, IntConsumer done) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<T>> futures = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit(() -> task.run(index)));
      }
      List<T> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        out.add(futures.get(i).get());
        done.accept(i);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
