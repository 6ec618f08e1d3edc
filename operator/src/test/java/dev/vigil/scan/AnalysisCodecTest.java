package dev.vigil.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.image.ImageConfig;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.OsInfo;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class AnalysisCodecTest {

  static final String DIGEST = "sha256:" + "ab".repeat(32);
  static final String LAYER = "sha256:" + "cd".repeat(32);

  static ImageAnalysis analysis(int packages, int evidencePerFinding) {
    ImageConfig config = ImageConfig.parse(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-02T03:04:05Z\","
        + "\"config\":{\"User\":\"app\",\"Env\":[\"PATH=/bin\"],\"ExposedPorts\":{\"22/tcp\":{}},\"Labels\":{\"a\":\"b\"},"
        + "\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + "ef".repeat(32) + "\"]},"
        + "\"history\":[{\"created_by\":\"ADD file in /\"}]}").getBytes(StandardCharsets.UTF_8));
    List<InstalledPackage> installed = new ArrayList<>();
    for (int i = 0; i < packages; i++) {
      installed.add(new InstalledPackage("deb", "pkg" + i, "1." + i + "-1", "src" + i, "1." + i + "-1", "amd64", LAYER));
    }
    List<String> evidence = new ArrayList<>();
    for (int i = 0; i < evidencePerFinding; i++) {
      evidence.add("/usr/lib/some/long/path/to/file-number-" + i + "-" + Integer.toHexString(i * 7919));
    }
    Inventory inventory = new Inventory(new OsInfo("debian", "12", "Debian GNU/Linux 12 (bookworm)", false,
        LocalDate.of(2028, 6, 30)), installed,
        List.of(new ApplicationPackage("Maven", "org.example:lib", "1.2.3", "/app/lib.jar", LAYER)), List.of("a problem"));
    return new ImageAnalysis(ImageReference.parse("registry.example/team/app:1"), DIGEST, null,
        Platform.LINUX_AMD64, config, inventory,
        List.of(new Finding("VIG-IMG-010", Finding.Category.Image, Severity.Medium, "Setuid files", evidence, "fix")),
        List.of(LAYER), 0, Instant.parse("2026-12-01T00:00:00Z"), Duration.ofMillis(1234));
  }

  @Test
  void aDecodedAnalysisEqualsTheFreshOneExceptForTheReferenceItIsAskedFor() throws Exception {
    ImageAnalysis fresh = analysis(100, 2);
    AnalysisCodec codec = new AnalysisCodec();
    AnalysisCodec.Encoded encoded = codec.encode(AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, fresh,
        ImageCheckSettings.defaults()));
    assertTrue(!encoded.partial());
    AnalysisCodec.Document back = codec.decode(encoded.data(), DIGEST);
    ImageReference other = ImageReference.parse("mirror.example/app@" + DIGEST);
    ImageAnalysis read = back.toAnalysis(other, back.findingsFor(ImageCheckSettings.defaults()));
    assertEquals(fresh.config(), read.config(), "candidate comparison compares configs");
    assertEquals(fresh.inventory(), read.inventory());
    assertEquals(fresh.findings(), read.findings());
    assertEquals(fresh.layerDigests(), read.layerDigests());
    assertEquals(fresh.platform(), read.platform());
    assertEquals(fresh.scannedAt(), read.scannedAt());
    assertEquals(fresh.duration(), read.duration());
    assertEquals(other, read.reference());
    assertNull(back.findingsFor(new ImageCheckSettings(Set.of("VIG-IMG-010"), Map.of(), List.of(), null, Set.of(),
        Set.of())), "findings under other check settings are not these");
  }

  @Test
  void settingsHashIgnoresOrderButNotContent() {
    ImageCheckSettings a = new ImageCheckSettings(Set.of("X", "Y"), Map.of("A", Severity.Low), List.of("l"),
        Duration.ofDays(3), Set.of(22, 23), Set.of("sh", "bash"));
    ImageCheckSettings b = new ImageCheckSettings(Set.of("Y", "X"), Map.of("A", Severity.Low), List.of("l"),
        Duration.ofDays(3), Set.of(23, 22), Set.of("bash", "sh"));
    assertEquals(AnalysisCodec.settingsHash(a), AnalysisCodec.settingsHash(b));
    ImageCheckSettings c = new ImageCheckSettings(Set.of("X", "Y"), Map.of("A", Severity.High), List.of("l"),
        Duration.ofDays(3), Set.of(22, 23), Set.of("sh", "bash"));
    assertNotEquals(AnalysisCodec.settingsHash(a), AnalysisCodec.settingsHash(c));
  }

  @Test
  void overTheCapEvidenceIsShortenedAndMarkedPartialButPackagesStay() throws Exception {
    ImageAnalysis big = analysis(50, 20_000);
    AnalysisCodec codec = new AnalysisCodec(64 * 1024);
    AnalysisCodec.Encoded encoded = codec.encode(AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, big,
        ImageCheckSettings.defaults()));
    assertNotNull(encoded);
    assertTrue(encoded.partial());
    assertTrue(encoded.data().length() <= 64 * 1024);
    AnalysisCodec.Document back = codec.decode(encoded.data(), DIGEST);
    assertEquals(50, back.inventory().packages().size(), "a shorter inventory would hide vulnerabilities");
    List<String> evidence = back.findingsFor(ImageCheckSettings.defaults()).get(0).getEvidence();
    assertEquals(AnalysisCodec.TRIMMED_EVIDENCE + 1, evidence.size());
    assertTrue(evidence.get(3).contains("19997 more"), evidence.get(3));
  }

  @Test
  void anInventoryOverTheCapIsNotStoredAtAll() {
    AnalysisCodec codec = new AnalysisCodec(4 * 1024);
    assertNull(codec.encode(AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, analysis(2_000, 1),
        ImageCheckSettings.defaults())));
  }

  @Test
  void findingSetsOfOtherSettingsAreKeptNewestFirstAndBounded() throws Exception {
    AnalysisCodec.Document doc = AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, analysis(3, 1),
        ImageCheckSettings.defaults());
    for (int i = 0; i < AnalysisCodec.MAX_FINDING_SETS + 2; i++) {
      ImageCheckSettings s = new ImageCheckSettings(Set.of("X" + i), Map.of(), List.of(), null, Set.of(), Set.of());
      doc = AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, analysis(3, 1), s).withFindingsOf(doc);
    }
    assertEquals(AnalysisCodec.MAX_FINDING_SETS, doc.findingSets().size());
    assertNull(doc.findingsFor(ImageCheckSettings.defaults()), "the oldest settings' findings went first");
  }

  @Test
  void findingsOfAnImageThatHasSinceCrossedTheMaximumAgeAreStale() {
    // The config says created 2026-01-02, read 2026-12-01: 333 days old then.
    AnalysisCodec.Document doc = AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, analysis(1, 1),
        ImageCheckSettings.defaults());
    ImageCheckSettings settings = ImageCheckSettings.defaults();
    assertNotNull(doc.findingsFor(settings, Instant.parse("2026-12-31T00:00:00Z")), "362 days: still young");
    assertNull(doc.findingsFor(settings, Instant.parse("2027-01-03T00:00:00Z")),
        "366 days: VIG-IMG-015 would fire now, the stored findings could not have it");
    ImageCheckSettings excluded = new ImageCheckSettings(Set.of("VIG-IMG-015"), Map.of(), List.of(),
        ImageCheckSettings.DEFAULT_MAX_IMAGE_AGE, Set.of(), Set.of());
    AnalysisCodec.Document underExcluded = AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, analysis(1, 1),
        excluded);
    assertNotNull(underExcluded.findingsFor(excluded, Instant.parse("2027-01-03T00:00:00Z")),
        "the check is off: nothing changes with time");
    ImageCheckSettings shortAge = new ImageCheckSettings(Set.of(), Map.of(), List.of(), Duration.ofDays(30),
        Set.of(), Set.of());
    AnalysisCodec.Document alreadyOld = AnalysisCodec.Document.of(DIGEST, Platform.LINUX_AMD64, analysis(1, 1),
        shortAge);
    assertNotNull(alreadyOld.findingsFor(shortAge, Instant.parse("2027-06-01T00:00:00Z")),
        "already over the age when read: the check decided then");
  }

  @Test
  void hostileDataIsRefusedWithAReason() throws IOException {
    AnalysisCodec codec = new AnalysisCodec();
    assertTrue(assertThrows(AnalysisCodec.UnreadableException.class, () -> codec.decode("not base64!", DIGEST))
        .getMessage().contains("not base64"));
    assertTrue(assertThrows(AnalysisCodec.UnreadableException.class, () -> codec.decode(
        Base64.getEncoder().encodeToString("plain".getBytes(StandardCharsets.UTF_8)), DIGEST))
        .getMessage().contains("not gzip"));
    assertTrue(assertThrows(AnalysisCodec.UnreadableException.class, () -> codec.decode(gzipBomb(), DIGEST))
        .getMessage().contains("decompresses to more than"));
    assertTrue(assertThrows(AnalysisCodec.UnreadableException.class, () -> codec.decode(gzip("{\"digest\":1"), DIGEST))
        .getMessage().contains("not an analysis document"));
    String otherDigest = "sha256:" + "00".repeat(32);
    String others = codec.encode(AnalysisCodec.Document.of(otherDigest, Platform.LINUX_AMD64, analysis(1, 1),
        ImageCheckSettings.defaults())).data();
    assertTrue(assertThrows(AnalysisCodec.UnreadableException.class, () -> codec.decode(others, DIGEST))
        .getMessage().contains("not " + DIGEST));
    assertTrue(assertThrows(AnalysisCodec.UnreadableException.class, () -> codec.decode(
        "A".repeat(AnalysisCodec.DEFAULT_MAX_ENCODED_CHARS * 2 + 4), DIGEST)).getMessage().contains("more than the cap"));
  }

  /** 40 MiB of zeros: about 40 KiB gzipped. */
  static String gzipBomb() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 40; i++) {
        gzip.write(zeros);
      }
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  static String gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
