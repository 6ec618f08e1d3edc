package dev.vigil.inventory.app;

import static dev.vigil.inventory.app.BinaryFixtures.bytes;
import static dev.vigil.inventory.app.BinaryFixtures.coordinates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.inventory.ApplicationPackage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RustAuditableReaderTest {

  private final RustAuditableReader reader = new RustAuditableReader();

  static Stream<Arguments> fixtureCases() {
    List<Arguments> cases = new ArrayList<>();
    for (String folder : List.of("rust/scalibr-cargoauditable", "rust/trivy-rust-binary")) {
      for (JsonNode c : BinaryFixtures.json(folder + "/expected.json").get("cases")) {
        cases.add(Arguments.of(folder, c.get("input").asText(), c));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("fixtureCases")
  void readsTheCratesUpstreamTestsExpect(String folder, String input, JsonNode c)
      throws IOException {
    PackageEvidence evidence = read(input, bytes(folder + "/" + input));

    List<String> expected = new ArrayList<>();
    c.path("expected").forEach(e -> expected.add(e.get("name").asText() + "@"
        + e.get("version").asText()));
    List<String> got = coordinates(evidence);
    expected.sort(null);
    got.sort(null);
    assertEquals(expected, got);
    assertEquals(List.of(), evidence.problems());
    for (ApplicationPackage p : evidence.packages()) {
      assertEquals("crates.io", p.ecosystem());
      assertEquals("/app/" + input, p.path());
    }
  }

  @Test
  void keepsTheOrderTheSectionListsAndLeavesOutBuildOnlyCrates() throws IOException {
    String json = "{\"packages\":["
        + "{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":\"build\"},"
        + "{\"name\":\"libc\",\"version\":\"0.2.150\",\"source\":\"crates.io\"},"
        + "{\"name\":\"ring\",\"version\":\"0.17.5\",\"source\":\"crates.io\","
        + "\"kind\":\"runtime\",\"dependencies\":[0,1]},"
        + "{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true,"
        + "\"dependencies\":[2]}]}";

    PackageEvidence evidence = read("app", elfWith(zlib(json), 5000));

    assertEquals(List.of("libc@0.2.150", "ring@0.17.5", "app@0.1.0"), coordinates(evidence));
  }

  @Test
  void sectionStraddlingManyChunksIsInflatedAcrossThem() throws IOException {
    // Random names compress badly: the zlib stream spans several 64 KiB reads.
    Random random = new Random(5);
    StringBuilder json = new StringBuilder("{\"packages\":[");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      String name = "c" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
      String version = "1." + random.nextInt(100) + "." + random.nextInt(100);
      json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(name)
          .append("\",\"version\":\"").append(version).append("\",\"source\":\"crates.io\"}");
      expected.add(name + "@" + version);
    }
    json.append("]}");
    byte[] compressed = zlib(json.toString());
    assertTrue(compressed.length > 3 * 65536, "compressed " + compressed.length);

    // Placed so that the zlib header sits right before a chunk boundary.
    PackageEvidence evidence = read("big", elfWith(compressed, 65536 - 70));

    assertEquals(expected, coordinates(evidence));
    assertEquals(List.of(), evidence.problems());
  }

  @Test
  void goBinaryWithCompressedDebugSectionsHasNoCrates() throws IOException {
    // test.elf carries .zdebug_* sections: zlib streams that are not cargo-auditable data.
    assertEquals(PackageEvidence.NONE, read("go", bytes("go/trivy-binary/test.elf")));
  }

  @Test
  void scriptsAreNotReadPastTheirFirstChunk() throws IOException {
    byte[] script = "#!/bin/sh\nexec app\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    BinaryFixtures.CountingStream in =
        new BinaryFixtures.CountingStream(new ByteArrayInputStream(script));

    assertEquals(PackageEvidence.NONE, reader.read("entrypoint", in, script.length));
    assertTrue(in.read <= 1 << 16, "read " + in.read);
  }

  @Test
  void truncatedSectionIsAProblem() throws IOException {
    byte[] compressed = zlib("{\"packages\":[{\"name\":\"serde\",\"version\":\"1.0.0\"}]}");
    byte[] file = elfWith(compressed, 1000);

    PackageEvidence evidence = read("cut", Arrays.copyOf(file, 1000 + compressed.length - 6));

    assertEquals(List.of(), evidence.packages());
    assertEquals(List.of("/app/cut: cargo-auditable data is truncated"), evidence.problems());
  }

  @Test
  void corruptSectionIsAProblem() throws IOException {
    byte[] compressed = zlib("{\"packages\":[{\"name\":\"serde\",\"version\":\"1.0.0\","
        + "\"source\":\"crates.io\"}," + "{\"name\":\"x\",\"version\":\"2\"}".repeat(50) + "]}");
    for (int i = 40; i < compressed.length - 4; i++) {
      compressed[i] ^= 0x5a;
    }

    PackageEvidence evidence = read("bad", elfWith(compressed, 1000));

    assertEquals(List.of(), evidence.packages());
    assertEquals(1, evidence.problems().size());
    assertTrue(evidence.problems().get(0).startsWith("/app/bad: cargo-auditable data is not"),
        evidence.problems().get(0));
  }

  @Test
  void malformedJsonAndEntriesAreProblems() throws IOException {
    PackageEvidence notJson = read("a", elfWith(zlib("{\"packages\":[{\"name\":"), 1000));
    assertEquals(List.of(), notJson.packages());
    assertTrue(notJson.problems().get(0)
        .startsWith("/app/a: cargo-auditable data is not valid JSON"));

    PackageEvidence partial = read("b", elfWith(zlib(
        "{\"packages\":[{\"name\":\"ok\",\"version\":\"1.0.0\"},{\"name\":\"noversion\"},7]}"),
        1000));
    assertEquals(List.of("ok@1.0.0"), coordinates(partial));
    assertEquals(2, partial.problems().size());
  }

  @Test
  void inflationPastTheCapIsAProblemNotAnOutOfMemory() throws IOException {
    StringBuilder bomb = new StringBuilder("{\"packages\":[");
    bomb.append(" ".repeat(RustAuditableReader.JSON_CAP + 1000));
    bomb.append("]}");

    PackageEvidence evidence = read("bomb", elfWith(zlib(bomb.toString()), 1000));

    assertEquals(
        List.of("/app/bomb: cargo-auditable data inflates past the cap of 8388608 bytes;"
            + " not read"),
        evidence.problems());
  }

  @Test
  void randomBytesFullOfZlibHeadersNeverThrow() throws IOException {
    Random random = new Random(3);
    for (int round = 0; round < 12; round++) {
      byte[] file = new byte[70_000];
      random.nextBytes(file);
      System.arraycopy(GoBinaryReaderTest.elfHeaderWithoutSegments(), 0, file, 0, 64);
      for (int i = 64; i + 3 < file.length; i += 3 + random.nextInt(40)) {
        file[i] = 0x78;
        file[i + 1] = (byte) 0x9c;
      }
      assertEquals(PackageEvidence.NONE, read("noise", file));
    }
  }

  @Test
  void endlessCandidatesStopAtTheProbeCap() throws IOException {
    byte[] file = new byte[1 << 20];
    System.arraycopy(GoBinaryReaderTest.elfHeaderWithoutSegments(), 0, file, 0, 64);
    for (int i = 64; i + 3 < file.length; i += 4) {
      file[i] = 0x78;
      file[i + 1] = (byte) 0x9c;
      file[i + 2] = 0x01; // a stored block: header passes, inflating gives no "{"
    }

    PackageEvidence evidence = new RustAuditableReader(1L << 30, 5000)
        .read("app/storm", new ByteArrayInputStream(file), file.length);

    assertEquals(List.of("/app/storm: gave up looking for cargo-auditable data after 5000"
        + " candidates"), evidence.problems());
  }

  @Test
  void a200MegabyteExecutableStreamsThroughAndTheScanCapIsReported() throws IOException {
    long size = 200L << 20;
    BinaryFixtures.CountingStream whole = new BinaryFixtures.CountingStream(
        new BinaryFixtures.GeneratedStream(GoBinaryReaderTest.elfHeaderWithoutSegments(), size));
    assertEquals(PackageEvidence.NONE, reader.read("opt/big", whole, size));
    assertEquals(size, whole.read);

    RustAuditableReader capped =
        new RustAuditableReader(8L << 20, RustAuditableReader.DEFAULT_MAX_PROBES);
    BinaryFixtures.CountingStream in = new BinaryFixtures.CountingStream(
        new BinaryFixtures.GeneratedStream(GoBinaryReaderTest.elfHeaderWithoutSegments(), size));
    assertEquals(List.of("/opt/big: not searched for cargo-auditable data past 8388608 bytes"),
        capped.read("opt/big", in, size).problems());
    assertEquals(8L << 20, in.read);
  }

  @Test
  void aRustBinaryBuiltHereHasNoCratesUntilItCarriesADepV0Section(@TempDir Path dir)
      throws Exception {
    Path cargo = Path.of(System.getProperty("user.home"), ".cargo", "bin", "cargo");
    assumeTrue(Files.isExecutable(cargo), "cargo is not installed at " + cargo);
    assumeTrue(onPath("objcopy"), "objcopy (binutils) is not on PATH");
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("Cargo.toml"),
        "[package]\nname = \"vigil_probe\"\nversion = \"0.3.1\"\nedition = \"2021\"\n");
    Files.writeString(dir.resolve("src/main.rs"), "fn main() { println!(\"probe\"); }\n");
    ProcessBuilder build = new ProcessBuilder(cargo.toString(), "build", "--offline", "--quiet")
        .directory(dir.toFile()).redirectErrorStream(true);
    build.environment().put("CARGO_TARGET_DIR", dir.resolve("target").toString());
    run(build);
    Path binary = dir.resolve("target/debug/vigil_probe");

    // Plain cargo build output carries no dependency list (NOTES.md, datadog #1352).
    assertEquals(PackageEvidence.NONE, read("vigil_probe", Files.readAllBytes(binary)));

    // cargo-auditable's section, added the way its linker step places it: not loaded.
    Path section = dir.resolve("dep-v0");
    Files.write(section, zlib("{\"packages\":[{\"name\":\"vigil_probe\",\"version\":\"0.3.1\","
        + "\"source\":\"local\",\"root\":true}]}"));
    run(new ProcessBuilder("objcopy", "--add-section", ".dep-v0=" + section,
        binary.toString(), dir.resolve("audited").toString()).redirectErrorStream(true));

    PackageEvidence evidence = read("audited", Files.readAllBytes(dir.resolve("audited")));
    assertEquals(List.of("vigil_probe@0.3.1"), coordinates(evidence));
  }

  @Test
  void wantsExecutablesOnly() {
    assertTrue(reader.wants("usr/bin/rg", 0755, 5_000_000));
    assertEquals(false, reader.wants("usr/lib/librg.rlib", 0644, 5_000_000));
  }

  // --- helpers ---

  private PackageEvidence read(String name, byte[] file) throws IOException {
    return reader.read("app/" + name, new ByteArrayInputStream(file), file.length);
  }

  private static void run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + pb.command());
    assertEquals(0, p.exitValue(), pb.command() + ":\n" + out);
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && Arrays.stream(path.split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  static byte[] zlib(String json) {
    Deflater deflater = new Deflater(7);
    deflater.setInput(json.getBytes(StandardCharsets.UTF_8));
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!deflater.finished()) {
      out.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    return out.toByteArray();
  }

  /** An ELF header without segments (so every offset is a candidate), then data at {@code at}. */
  private static byte[] elfWith(byte[] data, int at) {
    byte[] file = new byte[at + data.length + 300];
    new Random(at).nextBytes(file);
    System.arraycopy(GoBinaryReaderTest.elfHeaderWithoutSegments(), 0, file, 0, 64);
    System.arraycopy(data, 0, file, at, data.length);
    return file;
  }
}
