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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GoBinaryReaderTest {

  private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);

  private final GoBinaryReader reader = new GoBinaryReader();

  static Stream<Arguments> fixtureCases() {
    List<Arguments> cases = new ArrayList<>();
    for (String folder : List.of("go/trivy-binary", "go/scalibr-gobinary")) {
      for (JsonNode c : BinaryFixtures.json(folder + "/expected.json").get("cases")) {
        cases.add(Arguments.of(folder, c.get("input").asText(), c));
      }
    }
    return cases.stream();
  }

  /**
   * The upstream expectations in Vigil's form: OSV Go versions (no "v"), the toolchain as
   * stdlib (scalibr says "go"), a main module nothing gave a version as "(devel)" (Trivy
   * empties it).
   */
  private static List<String> expectedCoordinates(JsonNode c) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : c.path("expected")) {
      String name = e.get("name").asText();
      String version = e.get("version").asText();
      if (name.equals("go")) {
        name = "stdlib";
      }
      if (version.isEmpty() && e.path("raw_version").asText().equals("(devel)")) {
        version = "(devel)";
      }
      out.add(name + "@" + (version.startsWith("v") ? version.substring(1) : version));
    }
    out.sort(null);
    return out;
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("fixtureCases")
  void readsTheModulesUpstreamTestsExpect(String folder, String input, JsonNode c)
      throws IOException {
    byte[] file = bytes(folder + "/" + input);

    PackageEvidence evidence = read(input, file);

    List<String> got = coordinates(evidence);
    got.sort(null);
    assertEquals(expectedCoordinates(c), got);
    // A file that is no executable (the "dummy" cases) is not a problem worth a sentence: every
    // executable shell script would be one.
    assertEquals(List.of(), evidence.problems());
    for (ApplicationPackage p : evidence.packages()) {
      assertEquals("Go", p.ecosystem());
      assertEquals("/app/" + input, p.path());
      assertEquals(null, p.layerDigest());
    }
  }

  @Test
  void readsPointerStyleBuildInfoOfGo115WhoseStringsLieBeforeIt() throws IOException {
    PackageEvidence evidence = read("test.elf", bytes("go/trivy-binary/test.elf"));

    assertEquals(
        List.of(
            "github.com/aquasecurity/test@(devel)",
            "stdlib@1.15.2",
            "github.com/aquasecurity/go-pep440-version@0.0.0-20210121094942-22b2f8951d46",
            "github.com/aquasecurity/go-version@0.0.0-20210121072130-637058cfe492",
            "golang.org/x/xerrors@0.0.0-20200804184101-5ec99f83aff1"),
        coordinates(evidence));
  }

  @Test
  void reportsTheReplacementModuleNotTheReplacedOne() throws IOException {
    PackageEvidence evidence =
        read("bin", bytes("go/scalibr-gobinary/binary_with_module_replacement-linux-amd64"));

    assertTrue(coordinates(evidence)
        .contains("github.com/golang/xerrors@0.0.0-20220907171357-04be3eba64a2"));
    assertTrue(coordinates(evidence).stream().noneMatch(c -> c.startsWith("golang.org/x/xerrors")));
  }

  @Test
  void strippedBinaryKeepsItsBuildInfo(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("strip"), "strip (binutils) is not on PATH");
    for (String input : List.of("test.elf", "main-version-via-ldflags.elf")) {
      Path copy = dir.resolve(input);
      Files.write(copy, bytes("go/trivy-binary/" + input));
      Process strip = new ProcessBuilder("strip", "--strip-all", copy.toString())
          .redirectErrorStream(true).start();
      String output = new String(strip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, strip.waitFor(), output);
      byte[] stripped = Files.readAllBytes(copy);
      assertTrue(stripped.length < bytes("go/trivy-binary/" + input).length, "strip removed bytes");

      assertEquals(
          coordinates(read(input, bytes("go/trivy-binary/" + input))),
          coordinates(read(input, stripped)));
    }
  }

  @Test
  void nonGoExecutableIsRejectedAtTheEndOfItsDataSegment() throws IOException {
    // A Rust executable: an ELF file with debug and symbol sections after its loaded segments.
    byte[] rust = bytes("rust/scalibr-cargoauditable/uses_serde_json");
    BinaryFixtures.CountingStream in =
        new BinaryFixtures.CountingStream(new ByteArrayInputStream(rust));

    PackageEvidence evidence = reader.read("usr/bin/uses_serde_json", in, rust.length);

    assertEquals(PackageEvidence.NONE, evidence);
    assertTrue(in.read < rust.length, "read " + in.read + " of " + rust.length + " bytes");
  }

  @Test
  void scriptsAndTextAreNotReadPastTheirFirstChunk() throws IOException {
    byte[] script = ("#!/bin/sh\n" + "echo \u00ff Go buildinf: \n".repeat(20_000))
        .getBytes(StandardCharsets.ISO_8859_1);
    BinaryFixtures.CountingStream in =
        new BinaryFixtures.CountingStream(new ByteArrayInputStream(script));

    assertEquals(PackageEvidence.NONE, reader.read("entrypoint.sh", in, script.length));
    assertTrue(in.read <= 1 << 16, "read " + in.read);
  }

  @Test
  void wantsExecutablesOnly() {
    assertTrue(reader.wants("usr/local/bin/app", 0755, 2_000_000));
    assertTrue(reader.wants("app/tool.exe", 0644, 2_000_000));
    assertEquals(false, reader.wants("usr/share/doc/README", 0644, 2_000_000));
    assertEquals(false, reader.wants("usr/local/bin/tiny", 0755, 10));
  }

  @Test
  void truncatedBinariesGiveAProblemNotAnException() throws IOException {
    for (String input : List.of("test.elf", "main-version-via-ldflags.elf")) {
      byte[] whole = bytes("go/trivy-binary/" + input);
      int magic = indexOf(whole, MAGIC);
      // Cut inside the header, inside the inline strings / before the pointed-to headers.
      for (int cut : new int[] {magic + 20, magic + 40, magic + 200}) {
        PackageEvidence evidence = read(input, Arrays.copyOf(whole, cut));
        assertEquals(List.of(), evidence.packages(), input + " cut at " + cut);
        assertTrue(!evidence.problems().isEmpty(), input + " cut at " + cut);
        for (String problem : evidence.problems()) {
          assertTrue(problem.startsWith("/app/" + input + ": Go "), problem);
          assertTrue(problem.contains("truncated"), problem);
        }
      }
      // Cut before the data segment: no build info was seen, nothing to say.
      assertEquals(PackageEvidence.NONE, read(input, Arrays.copyOf(whole, magic - 4096)));
    }
  }

  @Test
  void readsInlineBuildInfoInPeAndMachOFiles() throws IOException {
    byte[] info = inlineBuildInfo("go1.21.4",
        "path\texample.com/cmd/tool\nmod\texample.com\tv1.4.0\th1:x=\n"
            + "dep\tgolang.org/x/net\tv0.17.0\th1:y=\n");
    List<String> expected =
        List.of("example.com@1.4.0", "stdlib@1.21.4", "golang.org/x/net@0.17.0");

    assertEquals(expected, coordinates(read("tool.exe", pe(info))));
    assertEquals(expected, coordinates(read("tool", machO(info))));
  }

  @Test
  void incompatibleSuffixAndGoExperimentAreHandledInInlineBuildInfo() throws IOException {
    byte[] info = inlineBuildInfo("go1.26.0-X:nodwarf5",
        "path\tgithub.com/a/b\nmod\tgithub.com/a/b\t(devel)\t\n"
            + "dep\tgithub.com/docker/docker\tv24.0.7+incompatible\th1:z=\n"
            + "dep\t\t\t\n"
            + "dep\tgolang.org/x/text\tv0.3.0\th1:q=\n=>\t../text\t\t\n"
            + "build\t-ldflags=\"-s -X 'github.com/a/b/internal/build.kubectlVersion=v1.2.3'\"\n");

    // +incompatible is SemVer build metadata (ignored by ordering, kept as OSV Go records write
    // it); the empty dep line of old toolchains is skipped; a local-directory replacement has no
    // version and is reported under the module it replaces; kubectlVersion is not the module's
    // version, so the main module stays (devel).
    assertEquals(
        List.of("github.com/a/b@(devel)", "stdlib@1.26.0",
            "github.com/docker/docker@24.0.7+incompatible", "golang.org/x/text@(devel)"),
        coordinates(read("b", pe(info))));
  }

  @Test
  void randomBytesWithTheMagicNeverThrow() throws IOException {
    Random random = new Random(11);
    for (int round = 0; round < 500; round++) {
      byte[] file = new byte[8192 + random.nextInt(8192)];
      random.nextBytes(file);
      System.arraycopy(elfHeaderWithoutSegments(), 0, file, 0, 64);
      int at = 16 * (8 + random.nextInt(200));
      System.arraycopy(MAGIC, 0, file, at, MAGIC.length);
      file[at + 14] = (byte) (random.nextBoolean() ? 8 : random.nextInt(256));
      file[at + 15] = (byte) random.nextInt(4);
      if (round % 3 == 0) {
        // Plausible small varints, so that the inline path reads on into garbage strings.
        file[at + 32] = (byte) random.nextInt(40);
      }
      PackageEvidence evidence =
          read("fuzz", Arrays.copyOf(file, file.length - random.nextInt(64)));
      assertTrue(evidence.packages().size() < 1000);
    }
  }

  @Test
  void moduleInfoSentinelsWithoutAnEndAreFollowedOnlyWithinTheCap() throws IOException {
    byte[] file = new byte[12 << 20];
    new Random(7).nextBytes(file);
    System.arraycopy(elfHeaderWithoutSegments(), 0, file, 0, 64);
    for (int i = 0; i < 10; i++) {
      System.arraycopy(hex("3077af0c9274080241e1c107e6d618e6"), 0, file, 4096 + i * 100_000, 16);
    }

    assertEquals(PackageEvidence.NONE, read("sentinels", file));
  }

  @Test
  void hugeLengthsArePastTheCapAndSaidSo() throws IOException {
    byte[] file = new byte[4096];
    System.arraycopy(elfHeaderWithoutSegments(), 0, file, 0, 64);
    System.arraycopy(MAGIC, 0, file, 1024, MAGIC.length);
    file[1024 + 14] = 8;
    file[1024 + 15] = 2;
    int p = 1024 + 32;
    file[p++] = 8;
    System.arraycopy("go1.22.0".getBytes(StandardCharsets.US_ASCII), 0, file, p, 8);
    p += 8;
    // 2^30 as a varint
    file[p++] = (byte) 0x80;
    file[p++] = (byte) 0x80;
    file[p++] = (byte) 0x80;
    file[p++] = (byte) 0x80;
    file[p] = 0x04;

    PackageEvidence evidence = read("big", file);

    assertEquals(List.of(), evidence.packages());
    assertEquals(
        List.of("/app/big: Go module info of 1073741824 bytes is over the cap of 4194304 bytes;"
            + " not read"),
        evidence.problems());
  }

  @Test
  void pointersOutsideTheFileAreAProblem() throws IOException {
    byte[] file = new byte[4096];
    // One writable PT_LOAD segment: the whole file at 0x400000.
    System.arraycopy(elfHeaderWithoutSegments(), 0, file, 0, 64);
    putLe(file, 32, 64, 8); // e_phoff
    putLe(file, 54, 56, 2); // e_phentsize
    putLe(file, 56, 1, 2); // e_phnum
    putLe(file, 64, 1, 4); // PT_LOAD
    putLe(file, 68, 6, 4); // PF_R | PF_W
    putLe(file, 72, 0, 8);
    putLe(file, 80, 0x400000, 8);
    putLe(file, 96, 4096, 8);
    System.arraycopy(MAGIC, 0, file, 2048, MAGIC.length);
    file[2048 + 14] = 8;
    file[2048 + 15] = 0;
    Arrays.fill(file, 2048 + 16, 2048 + 32, (byte) 0x7f);

    PackageEvidence evidence = read("ptr", file);

    assertEquals(List.of(), evidence.packages());
    assertTrue(evidence.problems().get(0).contains("points outside the file"),
        evidence.problems().toString());

    // Without a segment table (here: no program headers) no address can be followed.
    System.arraycopy(elfHeaderWithoutSegments(), 0, file, 0, 64);
    assertEquals(
        List.of("/app/ptr: Go build info of a pre-1.18 toolchain needs the segment table, which"
            + " this ELF file does not give; not read"),
        read("ptr", file).problems());
  }

  @Test
  void a200MegabyteExecutableStreamsThroughAndTheScanCapIsReported() throws IOException {
    long size = 200L << 20;
    BinaryFixtures.CountingStream whole = new BinaryFixtures.CountingStream(
        new BinaryFixtures.GeneratedStream(elfHeaderWithoutSegments(), size));
    assertEquals(PackageEvidence.NONE, reader.read("opt/big", whole, size));
    assertEquals(size, whole.read);

    GoBinaryReader capped = new GoBinaryReader(8L << 20);
    BinaryFixtures.CountingStream in = new BinaryFixtures.CountingStream(
        new BinaryFixtures.GeneratedStream(elfHeaderWithoutSegments(), size));
    PackageEvidence evidence = capped.read("opt/big", in, size);
    assertEquals(List.of("/opt/big: not searched for Go build info past 8388608 bytes"),
        evidence.problems());
    assertEquals(8L << 20, in.read);
  }

  @Test
  void aGoBinaryCompiledHereIsRead(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("go"), "no Go toolchain on PATH: the compiled-binary case is skipped");
    Files.writeString(dir.resolve("go.mod"), "module example.com/vigiltest\n\ngo 1.18\n");
    Files.writeString(dir.resolve("main.go"),
        "package main\n\nvar version = \"dev\"\n\nfunc main() { println(version) }\n");
    // Without -trimpath: go records -ldflags in the build info only when paths are not trimmed.
    Process build = new ProcessBuilder("go", "build",
        "-ldflags=-X main.version=v3.1.4", "-o", "app", ".")
        .directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, build.waitFor(), log);
    Process version = new ProcessBuilder("go", "env", "GOVERSION").start();
    String goVersion = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .trim();
    version.waitFor();

    PackageEvidence evidence = read("app", Files.readAllBytes(dir.resolve("app")));

    assertEquals(
        List.of("example.com/vigiltest@3.1.4", "stdlib@" + GoBuildInfo.stdlibVersion(goVersion)),
        coordinates(evidence));
  }

  @Test
  void aKubernetesReleaseBinaryOnThisMachineIsReadWithItsStagingModulesUnmatchable()
      throws IOException {
    // The kube-apiserver the API-server tests run: a 75 MB go1.19 release build whose staging
    // modules are replaced by local directories (k8s.io/api v0.0.0 => ./staging/src/k8s.io/api).
    String dir = System.getenv().getOrDefault("KUBE_API_TEST_DIR", "/root/.kubeapitest");
    Path binary = Path.of(dir, "k8s", "1.26.0-linux-amd64", "kube-apiserver");
    assumeTrue(Files.isRegularFile(binary), "no kube-apiserver 1.26.0 at " + binary);

    PackageEvidence evidence;
    try (var in = Files.newInputStream(binary)) {
      evidence = reader.read("usr/local/bin/kube-apiserver", in, Files.size(binary));
    }

    List<String> got = coordinates(evidence);
    assertEquals(List.of(), evidence.problems());
    assertEquals(List.of("k8s.io/kubernetes@(devel)", "stdlib@1.19.8"), got.subList(0, 2));
    assertEquals(112, got.size());
    assertTrue(got.contains("k8s.io/api@(devel)"), got.toString());
    assertTrue(got.contains("k8s.io/client-go@(devel)"), got.toString());
    assertTrue(got.contains("github.com/NYTimes/gziphandler@1.1.1"), got.toString());
    assertTrue(got.stream().noneMatch(c -> c.startsWith("./")), got.toString());
  }

  // --- helpers ---

  private PackageEvidence read(String name, byte[] file) throws IOException {
    return reader.read("app/" + name, new ByteArrayInputStream(file), file.length);
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && Arrays.stream(path.split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** An ELF64 little-endian header with no program headers: every offset is searched. */
  static byte[] elfHeaderWithoutSegments() {
    byte[] h = new byte[64];
    h[0] = 0x7f;
    h[1] = 'E';
    h[2] = 'L';
    h[3] = 'F';
    h[4] = 2;
    h[5] = 1;
    h[6] = 1;
    return h;
  }

  /** Go 1.18+ build info: magic, pointer size, inline flag, then two varint strings. */
  static byte[] inlineBuildInfo(String goVersion, String modText) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.write(8);
    out.write(2);
    out.writeBytes(new byte[16]);
    byte[] v = goVersion.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream mod = new ByteArrayOutputStream();
    mod.writeBytes(hex("3077af0c9274080241e1c107e6d618e6"));
    mod.writeBytes(modText.getBytes(StandardCharsets.UTF_8));
    mod.writeBytes(hex("f932433186182072008242104116d8f2"));
    varint(out, v.length);
    out.writeBytes(v);
    varint(out, mod.size());
    out.writeBytes(mod.toByteArray());
    return out.toByteArray();
  }

  /** A PE32+ file whose writable .data section (file offset 0x400) holds {@code data}. */
  static byte[] pe(byte[] data) {
    byte[] f = new byte[0x400 + data.length + 512];
    f[0] = 'M';
    f[1] = 'Z';
    putLe(f, 0x3c, 0x80, 4);
    f[0x80] = 'P';
    f[0x81] = 'E';
    int coff = 0x84;
    putLe(f, coff, 0x8664, 2);
    putLe(f, coff + 2, 1, 2); // one section
    putLe(f, coff + 16, 240, 2); // optional header size (PE32+)
    int opt = coff + 20;
    putLe(f, opt, 0x20b, 2);
    putLe(f, opt + 24, 0x140000000L, 8);
    int sec = opt + 240;
    System.arraycopy(".data\0\0\0".getBytes(StandardCharsets.US_ASCII), 0, f, sec, 8);
    putLe(f, sec + 8, data.length, 4);
    putLe(f, sec + 12, 0x1000, 4);
    putLe(f, sec + 16, data.length + 512, 4);
    putLe(f, sec + 20, 0x400, 4);
    putLe(f, sec + 36, 0xC0000040L, 4); // initialised data, read, write
    System.arraycopy(data, 0, f, 0x400, data.length);
    return f;
  }

  /** A 64-bit Mach-O file whose writable __DATA segment (file offset 0x1000) holds data. */
  static byte[] machO(byte[] data) {
    byte[] f = new byte[0x1000 + data.length + 256];
    putLe(f, 0, 0xfeedfacfL, 4);
    putLe(f, 4, 0x01000007, 4);
    putLe(f, 12, 2, 4); // MH_EXECUTE
    putLe(f, 16, 1, 4); // one load command
    putLe(f, 20, 72, 4);
    int lc = 32;
    putLe(f, lc, 0x19, 4);
    putLe(f, lc + 4, 72, 4);
    System.arraycopy("__DATA".getBytes(StandardCharsets.US_ASCII), 0, f, lc + 8, 6);
    putLe(f, lc + 24, 0x100001000L, 8);
    putLe(f, lc + 32, data.length + 256, 8);
    putLe(f, lc + 40, 0x1000, 8);
    putLe(f, lc + 48, data.length + 256, 8);
    putLe(f, lc + 56, 3, 4);
    putLe(f, lc + 60, 3, 4);
    System.arraycopy(data, 0, f, 0x1000, data.length);
    return f;
  }

  private static void putLe(byte[] f, int at, long value, int width) {
    for (int i = 0; i < width; i++) {
      f[at + i] = (byte) (value >>> (8 * i));
    }
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
