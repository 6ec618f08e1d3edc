package dev.vigil.operator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The process side of stopping, for {@code vigil operator}: SIGTERM and SIGINT become a stop
 * request, and a watchdog halts the JVM when a stop takes longer than its budget.
 *
 * <p>The signals are handled, not left to the JVM: the JVM's own handling runs the shutdown hooks
 * and exits 143, and any exit attempt from inside a hook blocks for ever. Handled, a signal only
 * asks {@link OperatorLifecycle} to stop; the main thread stops the operator and returns exit
 * code 0 to {@code System.exit}. Where the signals cannot be handled (e.g. {@code -Xrs}), a
 * shutdown hook asks for the stop instead and waits for it (the exit code is then the JVM's, 143).
 *
 * <p>The watchdog starts when the stop is requested, whoever asked, and halts with
 * {@link StopReason#EXIT_STOP_TIMEOUT} (after printing every thread's stack) if the process is
 * still there when the budget is spent: a stop can never hang.
 */
public final class ProcessStop {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessStop.class);

  private final OperatorLifecycle lifecycle;
  private final Duration budget;
  private final IntConsumer halt;
  private final PrintStream diagnostics;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean armed = new AtomicBoolean();
  private volatile long deadlineNanos;

  ProcessStop(OperatorLifecycle lifecycle, Duration budget, IntConsumer halt, PrintStream diagnostics) {
    this.lifecycle = lifecycle;
    this.budget = budget;
    this.halt = halt;
    this.diagnostics = diagnostics;
    lifecycle.onStopRequested(this::arm);
  }

  /** Handles SIGTERM and SIGINT, installs the fallback hook; the watchdog arms on the stop request. */
  public static ProcessStop install(OperatorLifecycle lifecycle, Duration budget) {
    ProcessStop stop = new ProcessStop(lifecycle, budget, code -> Runtime.getRuntime().halt(code), System.err);
    stop.handle("TERM");
    stop.handle("INT");
    Runtime.getRuntime().addShutdownHook(new Thread(stop::onJvmShutdown, "vigil-shutdown"));
    return stop;
  }

  private void handle(String name) {
    try {
      Signal.handle(new Signal(name), s -> lifecycle.requestStop(StopReason.REQUESTED, "SIG" + s.getName()));
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      LOG.warn("cannot handle SIG{} ({}); the JVM's shutdown hook stops the operator instead", name, e.toString());
    }
  }

  /**
   * The JVM is exiting: after the main thread's own exit this returns at once; otherwise (an
   * unhandled signal, an exit elsewhere) it asks for the stop and waits for it, within the budget.
   * It never calls exit itself.
   */
  void onJvmShutdown() {
    if (stopped.getCount() == 0) {
      return;
    }
    lifecycle.requestStop(StopReason.REQUESTED, "JVM shutdown");
    try {
      stopped.await(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The main thread has finished stopping; the process is about to exit. */
  public void stopped() {
    stopped.countDown();
  }

  /** Time left of the stop budget (the whole budget before a stop was requested). */
  public Duration remaining() {
    if (!armed.get()) {
      return budget;
    }
    long left = deadlineNanos - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  private void arm(StopReason reason) {
    if (!armed.compareAndSet(false, true)) {
      return;
    }
    deadlineNanos = System.nanoTime() + budget.toNanos();
    Thread watchdog = new Thread(() -> watch(reason), "vigil-stop-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private void watch(StopReason reason) {
    try {
      long left;
      while ((left = deadlineNanos - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
    } catch (InterruptedException e) {
      return;
    }
    boolean finished = stopped.getCount() == 0;
    int code = finished ? reason.exitCode() : StopReason.EXIT_STOP_TIMEOUT;
    diagnostics.println("vigil: " + (finished ? "the JVM did not exit" : "the stop did not finish")
        + " within " + String.format(Locale.ROOT, "%.1f", budget.toMillis() / 1000.0) + " s of the stop request ("
        + reason + "); halting with exit code "
        + code + ". Threads:");
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      diagnostics.println("\"" + e.getKey().getName() + "\" " + e.getKey().getState());
      for (StackTraceElement frame : e.getValue()) {
        diagnostics.println("    at " + frame);
      }
    }
    diagnostics.flush();
    halt.accept(code);
  }
}
