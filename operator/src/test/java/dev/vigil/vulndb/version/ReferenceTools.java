package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the reference implementations (dpkg, rpm, python, php, node) that the differential tests ask. */
final class ReferenceTools {

  private ReferenceTools() {}

  /** "<", "=" or ">" for a comparison result. */
  static String relation(int comparison) {
    return comparison < 0 ? "<" : comparison == 0 ? "=" : ">";
  }

  /** Whether the command exits 0 within 30 s; false when it is not installed. */
  static boolean runs(List<String> command) throws InterruptedException {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException notInstalled) {
      return false;
    }
  }

  /**
   * Runs the command once with all pairs on standard input ("A B" per line, UTF-8) and returns
   * one output line per pair; files in workDir carry the input and output.
   */
  static List<String> answers(List<String> command, List<String[]> pairs, Path workDir)
      throws IOException, InterruptedException {
    StringBuilder input = new StringBuilder();
    for (String[] pair : pairs) {
      input.append(pair[0]).append(' ').append(pair[1]).append('\n');
    }
    Path in = workDir.resolve("pairs.txt");
    Path out = workDir.resolve("answers.txt");
    Files.writeString(in, input, StandardCharsets.UTF_8);
    Process process =
        new ProcessBuilder(command)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command.get(0) + " did not finish within 5 minutes");
    }
    assertEquals(0, process.exitValue(), command.get(0) + " exit status");
    List<String> answers = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(pairs.size(), answers.size(), "one answer per pair");
    return answers;
  }
}
