package dev.vigil.inventory.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.inventory.ApplicationPackage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The copied fixtures under src/test/resources/inventory/app/{node,python,ruby,dotnet,php}, their
 * expected.json files, and a way to offer files to a reader as the layer walker does.
 */
final class ManifestFixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestFixtures() {}

  static Path dir(String relative) {
    URL url = ManifestFixtures.class.getResource("/inventory/app/" + relative);
    if (url == null) {
      throw new IllegalArgumentException("missing test resource inventory/app/" + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(dir(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode expectedJson(String folder) {
    return json(folder + "/expected.json");
  }

  static JsonNode json(String relative) {
    try {
      return JSON.readTree(dir(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stream that fails the test if a reader closes it: the walker owns it. */
  static final class WalkerStream extends ByteArrayInputStream {
    WalkerStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public void close() {
      throw new AssertionError("a reader closed the walker's stream");
    }
  }

  /** Offers one file as the walker does: wants() must say yes, then read(). */
  static PackageEvidence offer(LanguagePackageReader reader, String imagePath, byte[] content)
      throws IOException {
    assertTrue(reader.wants(imagePath, 0644, content.length), reader.name() + " wants " + imagePath);
    return reader.read(imagePath, new WalkerStream(content), content.length);
  }

  /**
   * Offers every regular file below root, at imagePrefix + its relative path, to the reader (only
   * those it wants), and collects what it found.
   */
  static PackageEvidence offerTree(LanguagePackageReader reader, Path root, String imagePrefix)
      throws IOException {
    List<ApplicationPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String imagePath = imagePrefix + root.relativize(file).toString().replace('\\', '/');
      long size = Files.size(file);
      if (reader.wants(imagePath, 0644, size)) {
        PackageEvidence evidence =
            reader.read(imagePath, new WalkerStream(Files.readAllBytes(file)), size);
        packages.addAll(evidence.packages());
        problems.addAll(evidence.problems());
      }
    }
    return new PackageEvidence(packages, problems);
  }

  /** "name version" of each package, in order. */
  static List<String> nameVersions(List<ApplicationPackage> packages) {
    return packages.stream().map(p -> p.name() + " " + p.version()).toList();
  }

  /** "name version" of each entry of an expected list, in order. */
  static List<String> nameVersions(JsonNode expected) {
    List<String> out = new ArrayList<>();
    expected.forEach(e -> out.add(e.get("name").asText() + " " + e.get("version").asText()));
    return out;
  }

  /** Checks one expected.json case against what the reader found in one file. */
  static void assertCase(JsonNode testCase, PackageEvidence evidence, String ecosystem) {
    String input = testCase.get("input").asText();
    if (testCase.has("expect_error")) {
      assertEquals(List.of(), evidence.packages(), input + ": no package from a broken file");
      assertFalse(evidence.problems().isEmpty(), input + ": a broken file must give a problem");
      return;
    }
    // upstream tests sort their lists; a reader keeps the file's order
    assertEquals(
        nameVersions(testCase.get("expected")).stream().sorted().toList(),
        nameVersions(evidence.packages()).stream().sorted().toList(),
        input);
    for (ApplicationPackage p : evidence.packages()) {
      assertEquals(ecosystem, p.ecosystem(), input);
      assertEquals(null, p.layerDigest(), input + ": the walker sets the layer");
      assertTrue(p.path().startsWith("/"), input + ": path " + p.path());
    }
  }

  /**
   * Runs a reference tool in workDir (which may be a tree the test must not change), returning
   * its standard output; fails on a non-zero exit unless allowed.
   */
  static String run(Path workDir, List<String> command, boolean allowFailure)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("manifest-reference", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish within 3 minutes");
      }
      if (!allowFailure) {
        assertEquals(0, process.exitValue(), command + " exit status");
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Whether the command can be started and exits 0. */
  static boolean runs(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException | InterruptedException notThere) {
      return false;
    }
  }
}
