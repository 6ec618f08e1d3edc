package dev.vigil.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher the build writes next to the jar (target/vigil), run as a user runs it: it uses
 * the class-data-sharing archive written for this jar and this JVM, and leaves out an archive
 * that no longer fits (a static archive that fails to map would leave the JVM without any
 * class-data sharing). Either way the command's output is all that reaches stdout and stderr.
 */
class CliLauncherIT {

  @TempDir static Path dir;

  private static Path launcher;

  /** A copy of the build's launcher and jar with an archive of its own, written as the build writes it. */
  @BeforeAll
  static void copyAndWriteArchive() throws Exception {
    Path jar = Path.of(System.getProperty("vigil.jar"));
    Path built = jar.resolveSibling("vigil");
    assertTrue(Files.isExecutable(built), built + " is missing: the build writes it next to the jar");
    launcher = Files.copy(built, dir.resolve("vigil"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(jar, dir.resolve("vigil.jar"));
    Run write = run(Map.of("VIGIL_WRITE_CDS_ARCHIVE", "1"));
    assertEquals(0, write.exit(), write.stderr());
    assertTrue(Files.size(dir.resolve("vigil.jsa")) > 0);
    assertTrue(Files.exists(dir.resolve("vigil.jsa.stamp")));
  }

  @Test
  void runsWithTheArchiveWrittenForThisJarAndJvm() throws Exception {
    Run version = run(Map.of("VIGIL_JAVA_OPTS", "-Xlog:class+load=info:file=" + dir.resolve("fits.log")), "--version");

    assertEquals(0, version.exit(), version.stderr());
    assertTrue(version.stdout().startsWith("vigil "), version.stdout());
    assertEquals("", version.stderr());
    // picocli's Java 5 classes come from the archive: only a static archive can hold them.
    assertTrue(loadedFromArchive(dir.resolve("fits.log"), "picocli.CommandLine"),
        "picocli.CommandLine was not loaded from the archive");
  }

  @Test
  void leavesOutAnArchiveThatNoLongerFitsTheJar() throws Exception {
    Path jar = dir.resolve("vigil.jar");
    FileTime before = Files.getLastModifiedTime(jar);
    try {
      Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
      Run version = run(Map.of("VIGIL_JAVA_OPTS", "-Xlog:class+load=info:file=" + dir.resolve("stale.log")), "--version");

      assertEquals(0, version.exit(), version.stderr());
      assertTrue(version.stdout().startsWith("vigil "), version.stdout());
      assertEquals("", version.stderr());
      assertTrue(!loadedFromArchive(dir.resolve("stale.log"), "dev.vigil.cli.VigilCommand"),
          "the stale archive was used");
      // The JDK's default archive still serves the JDK's classes.
      assertTrue(loadedFromArchive(dir.resolve("stale.log"), "java.lang.Object"));
    } finally {
      Files.setLastModifiedTime(jar, before);
    }
  }

  private static boolean loadedFromArchive(Path classLoadLog, String className) throws IOException {
    return Files.readAllLines(classLoadLog, StandardCharsets.UTF_8).stream()
        .anyMatch(line -> line.contains(" " + className + " source: shared objects file"));
  }

  private record Run(int exit, String stdout, String stderr) {}

  private static Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sh", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile());
    builder.environment().remove("VIGIL_JAVA_OPTS");
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher did not finish in 120 s");
    }
    return new Run(process.exitValue(),
        Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")));
  }
}
