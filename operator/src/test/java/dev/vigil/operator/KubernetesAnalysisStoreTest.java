package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.api.StoredImageAnalysis;
import dev.vigil.image.ImageConfig;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.OsInfo;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.scan.AnalysisCodec;
import dev.vigil.scan.ImageAnalysis;
import dev.vigil.scan.ImageAnalyzer;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store alone on the real API server, as the shipped RBAC's ServiceAccount: what one
 * operator writes another reads back whole; findings of several check settings share one object;
 * an object of a newer analyzer is neither used nor overwritten; what cannot be stored is not.
 */
class KubernetesAnalysisStoreTest {

  static KubernetesClient operatorClient;
  static KubernetesClient admin;
  static final Clock CLOCK = Clock.systemUTC();
  static final ImageCheckSettings OTHER = new ImageCheckSettings(Set.of("VIG-IMG-001"), Map.of(), List.of(), null,
      Set.of(), Set.of());

  @BeforeAll
  static void setUp() {
    KubeApi api = KubeApi.shared().withCrds();
    admin = api.admin();
    String ns = api.createNamespace("vigil-store-unit");
    operatorClient = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT).client();
  }

  @Test
  void whatOneOperatorStoresAnotherReadsBackUnderItsOwnReference() {
    String digest = uniqueDigest();
    ImageAnalysis fresh = analysis(digest, 40, "VIG-IMG-010");
    new KubernetesAnalysisStore(operatorClient, CLOCK).save(digest, Platform.LINUX_AMD64,
        ImageCheckSettings.defaults(), fresh);
    ImageReference mirror = ImageReference.parse("mirror.example/app@" + digest);
    ImageAnalysis read = new KubernetesAnalysisStore(operatorClient, CLOCK).find(digest, Platform.LINUX_AMD64,
        ImageCheckSettings.defaults(), mirror);
    assertNotNull(read);
    assertEquals(mirror, read.reference());
    assertEquals(fresh.inventory(), read.inventory());
    assertEquals(fresh.config(), read.config());
    assertEquals(fresh.findings(), read.findings());
    assertNull(new KubernetesAnalysisStore(operatorClient, CLOCK).find(digest, Platform.LINUX_AMD64, OTHER, mirror),
        "no findings stored for other check settings: a miss");
  }

  @Test
  void findingsOfAnotherCheckSettingsJoinTheSameObject() {
    String digest = uniqueDigest();
    KubernetesAnalysisStore store = new KubernetesAnalysisStore(operatorClient, CLOCK);
    store.save(digest, Platform.LINUX_AMD64, ImageCheckSettings.defaults(), analysis(digest, 5, "VIG-IMG-010"));
    store.save(digest, Platform.LINUX_AMD64, OTHER, analysis(digest, 5, "VIG-IMG-002"));
    ImageReference ref = ImageReference.parse("r.example/app@" + digest);
    assertEquals("VIG-IMG-010", store.find(digest, Platform.LINUX_AMD64, ImageCheckSettings.defaults(), ref)
        .findings().get(0).getId());
    assertEquals("VIG-IMG-002", store.find(digest, Platform.LINUX_AMD64, OTHER, ref).findings().get(0).getId());
    assertEquals(1, admin.resources(StoredImageAnalysis.class).list().getItems().stream()
        .filter(s -> digest.equals(s.getSpec().digest)).count());
  }

  @Test
  void anObjectOfANewerAnalyzerIsNeitherUsedNorOverwritten() {
    String digest = uniqueDigest();
    new KubernetesAnalysisStore(operatorClient, new AnalysisCodec(), ImageAnalyzer.VERSION + 1, CLOCK)
        .save(digest, Platform.LINUX_AMD64, ImageCheckSettings.defaults(), analysis(digest, 5, "VIG-IMG-010"));
    String version = object(digest).getMetadata().getResourceVersion();
    KubernetesAnalysisStore older = new KubernetesAnalysisStore(operatorClient, CLOCK);
    assertNull(older.find(digest, Platform.LINUX_AMD64, ImageCheckSettings.defaults(),
        ImageReference.parse("r.example/app@" + digest)));
    older.save(digest, Platform.LINUX_AMD64, ImageCheckSettings.defaults(), analysis(digest, 5, "VIG-IMG-010"));
    assertEquals(version, object(digest).getMetadata().getResourceVersion(), "a rolling upgrade's newer entry stays");
    assertEquals(ImageAnalyzer.VERSION + 1, object(digest).getSpec().analyzerVersion);
  }

  @Test
  void anAnalysisOverTheCapIsNotStoredAndNothingFails() {
    KubernetesAnalysisStore small = new KubernetesAnalysisStore(operatorClient, new AnalysisCodec(2048),
        ImageAnalyzer.VERSION, CLOCK);
    String fits = uniqueDigest();
    small.save(fits, Platform.LINUX_AMD64, ImageCheckSettings.defaults(), analysis(fits, 1, "VIG-IMG-010"));
    assertNotNull(object(fits), "under the cap it is stored");
    String digest = uniqueDigest();
    small.save(digest, Platform.LINUX_AMD64, ImageCheckSettings.defaults(), analysis(digest, 500, "VIG-IMG-010"));
    assertNull(object(digest));
  }

  @Test
  void aDigestThatCannotNameAnObjectIsAMissAndIsNotStored() {
    KubernetesAnalysisStore store = new KubernetesAnalysisStore(operatorClient, CLOCK);
    assertNull(store.find("sha256:NOT-HEX", Platform.LINUX_AMD64, ImageCheckSettings.defaults(),
        ImageReference.parse("r.example/app:1")));
    store.save("sha256:NOT-HEX", Platform.LINUX_AMD64, ImageCheckSettings.defaults(),
        analysis("sha256:" + "a".repeat(64), 1, "VIG-IMG-010"));
  }

  private static StoredImageAnalysis object(String digest) {
    return admin.resources(StoredImageAnalysis.class).withName(KubernetesAnalysisStore.objectName(digest)).get();
  }

  private static String uniqueDigest() {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ImageAnalysis analysis(String digest, int packages, String findingId) {
    String layer = "sha256:" + "cd".repeat(32);
    ImageConfig config = ImageConfig.parse(("{\"architecture\":\"amd64\",\"os\":\"linux\","
        + "\"created\":\"" + Instant.now().minus(Duration.ofDays(2)) + "\",\"config\":{\"User\":\"0\"},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + "ef".repeat(32) + "\"]}}")
        .getBytes(StandardCharsets.UTF_8));
    List<InstalledPackage> installed = new ArrayList<>();
    for (int i = 0; i < packages; i++) {
      // Distinct random-looking versions so that a large inventory does not compress to nothing.
      installed.add(new InstalledPackage("deb", "pkg-" + i + "-" + UUID.randomUUID(), UUID.randomUUID().toString(),
          "src" + i, "1." + i, "amd64", layer));
    }
    return new ImageAnalysis(ImageReference.parse("r.example/app@" + digest), digest, null, Platform.LINUX_AMD64,
        config, new Inventory(new OsInfo("debian", "12", null, false, null), installed, List.of()),
        List.of(new Finding(findingId, Finding.Category.Image, Severity.High, "t", List.of("e"), "r")),
        List.of(layer), 0, Instant.now(), Duration.ofSeconds(1));
  }
}
