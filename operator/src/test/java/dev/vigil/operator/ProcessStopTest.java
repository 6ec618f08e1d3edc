package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog and the fallback hook, with the halt captured instead of performed. */
class ProcessStopTest {

  private final OperatorLifecycle lifecycle = new OperatorLifecycle();
  private final CompletableFuture<Integer> halted = new CompletableFuture<>();
  private final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
  private final ProcessStop stop = new ProcessStop(lifecycle, Duration.ofMillis(500), halted::complete,
      new PrintStream(diagnostics, true, StandardCharsets.UTF_8));

  @Test
  void aStopThatHangsIsHaltedWithItsOwnExitCodeAndAThreadDump() throws Exception {
    lifecycle.requestStop(StopReason.REQUESTED, "SIGTERM");
    assertEquals(StopReason.EXIT_STOP_TIMEOUT, halted.get(30, TimeUnit.SECONDS));
    String printed = diagnostics.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("the stop did not finish within 0.5 s of the stop request (stop requested)"), printed);
    assertTrue(printed.contains("\"vigil-stop-watchdog\" RUNNABLE"), printed);
  }

  @Test
  void aFinishedStopWhoseExitHangsIsHaltedWithTheReasonsCode() throws Exception {
    lifecycle.requestStop(StopReason.LOST_LEADERSHIP, "taken over");
    stop.stopped();
    assertEquals(3, halted.get(30, TimeUnit.SECONDS));
  }

  @Test
  void nothingIsArmedBeforeAStopIsRequested() throws Exception {
    Thread.sleep(1_000);
    assertTrue(!halted.isDone());
    assertEquals(Duration.ofMillis(500), stop.remaining());
  }

  @Test
  void anExitFromElsewhereAsksForTheStopAndWaitsForIt() throws Exception {
    OperatorLifecycle other = new OperatorLifecycle();
    ProcessStop patient = new ProcessStop(other, Duration.ofMinutes(5), halted::complete,
        new PrintStream(diagnostics, true, StandardCharsets.UTF_8));
    CompletableFuture<Void> hook = CompletableFuture.runAsync(patient::onJvmShutdown);
    assertEquals(StopReason.REQUESTED, other.awaitStop());
    Thread.sleep(500);
    assertTrue(!hook.isDone(), "the hook waits for the main thread's stop");
    patient.stopped();
    hook.get(30, TimeUnit.SECONDS);
    assertTrue(!halted.isDone());
  }
}
