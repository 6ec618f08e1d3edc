package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real promtool; tests that need it are skipped where it is not installed. */
public final class Promtool {

  private static final Path BINARY = Path.of("/usr/bin/promtool");

  /** Exit code and everything promtool printed (stdout then stderr). */
  public record Result(int exitCode, String output) {}

  private Promtool() {}

  /** Skips the calling test when promtool is not installed. */
  public static void assumeInstalled() {
    assumeTrue(Files.isExecutable(BINARY), "promtool not installed at " + BINARY);
  }

  /** Runs {@code promtool args...} in {@code workDir}, feeding {@code stdin} when not null. */
  public static Result run(Path workDir, String stdin, String... args)
      throws IOException, InterruptedException {
    assumeInstalled();
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    assertTrue(finished, "promtool " + String.join(" ", args) + " did not finish in 120 s");
    return new Result(p.exitValue(), out.join() + err.join());
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(could not read promtool output: " + e.getMessage() + ")";
          }
        });
  }
}
