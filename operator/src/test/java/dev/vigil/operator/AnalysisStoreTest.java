package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.StoredImageAnalysis;
import dev.vigil.api.StoredImageAnalysisSpec;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.scan.AnalysisCodec;
import dev.vigil.scan.ImageAnalyzer;
import dev.vigil.testsupport.Compression;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Durable per-digest analyses on the real API server, as the shipped RBAC's ServiceAccount
 * (RunningOperator fails on any 403): one ImageAnalysis per digest; a vulnerability-data refresh
 * re-matches every report from them with no registry request, after a restart and beyond the
 * in-memory cache (one entry here, three digests); entries of another analyzer version and
 * hostile entries are read again and replaced; unreferenced entries are collected. The images
 * carry a per-run file so their digests are this class's alone (analyses are shared by digest
 * across every operator on the server). The tests build on each other in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalysisStoreTest {

  private static final Duration RETENTION = Duration.ofSeconds(3);
  private static final String RUN = UUID.randomUUID().toString();
  private static final String BIONIC_RELEASE = """
      NAME="Ubuntu"
      VERSION="18.04.4 LTS (Bionic Beaver)"
      ID=ubuntu
      ID_LIKE=debian
      PRETTY_NAME="Ubuntu 18.04.4 LTS"
      VERSION_ID="18.04"
      VERSION_CODENAME=bionic
      """;

  static KubeApi api;
  static ClusterFixture cluster;
  static KubernetesClient admin;
  static LocalRegistry registry;
  static RunningOperator operator;
  static PushedImage web;
  static PushedImage batch;
  static PushedImage base;
  static String team;
  static Path osv;
  static int records;

  @BeforeAll
  static void setUp() throws Exception {
    api = KubeApi.shared().withCrds();
    cluster = new ClusterFixture(api);
    admin = api.admin();
    registry = LocalRegistry.start();
    web = registry.pusher().push("team/web", "1", ubuntuWithCurl("web"));
    batch = registry.pusher().push("team/batch", "1", ubuntuWithCurl("batch"));
    base = registry.pusher().push("team/base", "18.04", bionicBase());
    osv = Files.createTempDirectory("vigil-store-osv");
    try (Stream<Path> files = Files.list(SampleImages.OSV)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.copy(f, osv.resolve(f.getFileName()));
      }
    }

    String opNs = cluster.namespace("vigil-store", Map.of());
    team = cluster.namespace("store-team", Map.of());
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("team").withNamespace(team).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().schedule = "0 3 * * *";
    admin.resource(schedule).create();
    for (PushedImage image : List.of(web, batch, base)) {
      String repository = registry.host() + "/" + image.reference().repository();
      cluster.deploymentWithPod(team, name(image), ClusterFixture.podSpec("app", image.reference().toString(), null),
          Map.of("app", ClusterFixture.imageId(repository, image.digest())));
    }

    var defaults = RunningOperator.scanSettings(osv.toString(), Set.of(team));
    // One analysis in memory for three digests: every re-match beyond it goes to the store.
    operator = RunningOperator.in(install).scan(new dev.vigil.operator.ScanSettings(defaults.vulnDb(),
        Duration.ofSeconds(2), defaults.dataDir(), defaults.platform(), defaults.concurrency(),
        defaults.layerCacheBytes(), defaults.insecureRegistries(), false, defaults.scanner(),
        defaults.watchNamespaces(), 1, RETENTION, null)).start();
  }

  @AfterAll
  static void tearDown() {
    try {
      if (operator != null) {
        operator.close();
      }
    } finally {
      registry.close();
    }
  }

  @Test
  @Order(1)
  void eachDigestIsStoredOnceAsAClusterScopedImageAnalysisOfThisAnalyzer() throws Exception {
    for (PushedImage image : List.of(web, batch, base)) {
      awaitReport(image);
      StoredImageAnalysis stored = await().atMost(Duration.ofSeconds(60)).until(() -> stored(image), s -> s != null);
      StoredImageAnalysisSpec spec = stored.getSpec();
      assertEquals(image.digest(), spec.digest);
      assertEquals(ImageAnalyzer.VERSION, spec.analyzerVersion);
      assertEquals(StoredImageAnalysisSpec.ENCODING, spec.encoding);
      assertTrue(spec.storedBytes < AnalysisCodec.DEFAULT_MAX_ENCODED_CHARS);
      assertNull(stored.getMetadata().getNamespace(), "cluster-scoped");
      AnalysisCodec.Document document = new AnalysisCodec().decode(spec.data, image.digest());
      assertEquals(spec.packages, document.inventory().packages().size());
      assertTrue(document.inventory().packages().stream().map(InstalledPackage::layerDigest)
          .allMatch(document.layerDigests()::contains), "every package names the layer that installed it");
      assertFalse(document.findingSets().isEmpty());
      System.out.printf("stored analysis of %s: %d packages, %d JSON bytes, %d bytes stored (gzip+base64),"
          + " object %d bytes as JSON%n", image.reference().repository(), spec.packages, spec.uncompressedBytes, spec.storedBytes,
          new KubernetesSerialization().asJson(stored).length());
    }
    assertEquals(90, stored(base).getSpec().packages, "the full Ubuntu 18.04 dpkg status");
  }

  @Test
  @Order(2)
  void aDatabaseRefreshAfterARestartReMatchesEveryReportWithoutARegistryRequest() throws Exception {
    Map<String, String> snapshots = snapshots();
    operator = operator.restart();
    addRecord();
    await().atMost(Duration.ofSeconds(120)).until(() -> rematched(snapshots));
    assertTrue(mentions(awaitReport(web), recordAlias()), "the new record matched from the stored inventory");
    assertTrue(mentions(awaitReport(batch), recordAlias()));
    assertEquals(0, registryRequests(), "every analysis came from the store");
  }

  @Test
  @Order(3)
  void aRefreshBeyondTheInMemoryCacheSizeReMatchesFromTheStore() throws Exception {
    long before = registryRequests();
    Map<String, String> snapshots = snapshots();
    addRecord();
    await().atMost(Duration.ofSeconds(120)).until(() -> rematched(snapshots));
    assertTrue(mentions(awaitReport(web), recordAlias()));
    assertEquals(before, registryRequests(), "three digests through a one-entry cache, no registry request");
  }

  @Test
  @Order(4)
  void anEntryOfAnOlderAnalyzerIsReadAgainAndReplaced() throws Exception {
    admin.resources(StoredImageAnalysis.class).withName(name(web.digest())).edit(s -> {
      s.getSpec().analyzerVersion = ImageAnalyzer.VERSION - 1;
      return s;
    });
    operator = operator.restart();
    Map<String, String> snapshots = snapshots();
    addRecord();
    await().atMost(Duration.ofSeconds(120)).until(() -> rematched(snapshots));
    await().atMost(Duration.ofSeconds(60)).until(() -> ImageAnalyzer.VERSION == stored(web).getSpec().analyzerVersion);
    assertTrue(registryRequests() > 0, "the web image was read again");
    assertTrue(mentions(awaitReport(web), recordAlias()));
  }

  @Test
  @Order(5)
  void hostileEntriesAreIgnoredReadAgainAndReplacedWithoutHarm() throws Exception {
    // base: another digest's (readable) data filed under its name.
    corrupt(base, stored(web).getSpec().data);
    corrupt(web, "this is not base64 %%%");
    corrupt(batch, gzipBomb());
    operator = operator.restart();
    Map<String, String> snapshots = snapshots();
    addRecord();
    await().atMost(Duration.ofSeconds(120)).until(() -> rematched(snapshots));
    for (PushedImage image : List.of(web, batch, base)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> readable(image));
      assertEquals(ImageAnalyzer.VERSION, stored(image).getSpec().analyzerVersion);
    }
    assertTrue(mentions(awaitReport(batch), recordAlias()));
    assertTrue(registryRequests() > 0);
  }

  @Test
  @Order(6)
  void analysesNoReportRefersToAreMarkedThenDeletedAndReferencedOnesStay() throws Exception {
    String orphan = "sha256:" + sha256Hex(RUN);
    StoredImageAnalysis copy = new StoredImageAnalysis();
    copy.setMetadata(new ObjectMetaBuilder().withName(name(orphan)).build());
    copy.setSpec(stored(base).getSpec());
    copy.getSpec().digest = orphan;
    admin.resource(copy).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> admin.resources(StoredImageAnalysis.class)
        .withName(name(orphan)).get() == null);

    // A workload deleted: the operator deletes its report, then the collector its analysis.
    admin.apps().deployments().inNamespace(team).withName(name(batch)).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> stored(batch) == null);
    for (PushedImage image : List.of(web, base)) {
      StoredImageAnalysis kept = stored(image);
      assertNotNull(kept, image.reference().repository() + " is still referenced");
      assertNull(kept.getMetadata().getAnnotations() == null ? null
          : kept.getMetadata().getAnnotations().get(StoredImageAnalysis.UNREFERENCED_SINCE));
    }
  }

  @Test
  @Order(7)
  void aMarkOnAnAnalysisAReportRefersToIsRemoved() {
    String since = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    admin.resources(StoredImageAnalysis.class).withName(name(web.digest())).edit(s -> {
      s.getMetadata().setAnnotations(Map.of(StoredImageAnalysis.UNREFERENCED_SINCE, since));
      return s;
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Map<String, String> annotations = stored(web).getMetadata().getAnnotations();
      return annotations == null || !annotations.containsKey(StoredImageAnalysis.UNREFERENCED_SINCE);
    });
    operator.assertNoForbidden();
  }

  private static TestImage ubuntuWithCurl(String app) {
    return TestImages.image()
        .layer(TestImages.layer()
            .file("etc/os-release", SampleImages.UBUNTU_RELEASE)
            .file("var/lib/dpkg/status", SampleImages.dpkgStatus("7.81.0-1ubuntu1.10"))
            .build(Compression.GZIP))
        .layer(TestImages.layer().file("app/" + app, RUN).build(Compression.GZIP))
        .created(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS))
        .build();
  }

  /** A Debian-family base image: the 90-package dpkg status of Ubuntu 18.04 (Trivy's fixture). */
  private static TestImage bionicBase() throws IOException {
    byte[] status = Files.readAllBytes(Path.of("src/test/resources/inventory/trivy-dpkg/valid/var/lib/dpkg/status"));
    return TestImages.image()
        .layer(TestImages.layer()
            .file("etc/os-release", BIONIC_RELEASE)
            .file("var/lib/dpkg/status", status, 0644)
            .file("etc/run-id", RUN)
            .build(Compression.GZIP))
        .created(Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS))
        .build();
  }

  /** Adds an OSV record for curl on Ubuntu 22.04 with a fresh id: the data changes, the images do not. */
  private static void addRecord() throws IOException {
    records++;
    String record = """
        {"schema_version": "1.6.0", "id": "USN-9999-%1$d", "summary": "test record %1$d",
         "modified": "2026-12-01T00:00:00Z", "published": "2026-12-01T00:00:00Z",
         "upstream": ["%2$s"],
         "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "curl"},
           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}]}]}
        """.formatted(records, "UBUNTU-" + recordAlias());
    Files.writeString(osv.resolve("USN-9999-" + records + ".json"), record);
  }

  private static String recordAlias() {
    return "CVE-2099-" + (1000 + records);
  }

  private static boolean mentions(ImageReport report, String text) {
    return new KubernetesSerialization().asJson(report.getStatus()).contains(text)
        || report.getStatus().vulnerabilities.stream().anyMatch(v -> v.id.startsWith("USN-9999-" + records));
  }

  /** Every existing report names another database snapshot than before. */
  private static boolean rematched(Map<String, String> before) {
    Map<String, String> now = snapshots();
    return !now.isEmpty() && now.keySet().equals(before.keySet())
        && now.entrySet().stream().allMatch(e -> e.getValue() != null && !e.getValue().equals(before.get(e.getKey())));
  }

  private static Map<String, String> snapshots() {
    Map<String, String> out = new java.util.TreeMap<>();
    for (ImageReport r : admin.resources(ImageReport.class).inNamespace(team).list().getItems()) {
      String snapshot = r.getStatus() == null || r.getStatus().scan == null || r.getStatus().scan.vulnerabilityDb == null
          ? "" : r.getStatus().scan.vulnerabilityDb.snapshot;
      out.put(r.getMetadata().getName(), snapshot);
    }
    return out;
  }

  private static ImageReport awaitReport(PushedImage image) {
    return await().atMost(Duration.ofSeconds(120)).until(() -> admin.resources(ImageReport.class).inNamespace(team)
        .withName("deployment-" + name(image) + "-app").get(), r -> r != null && r.getStatus() != null
        && r.getStatus().image != null && image.digest().equals(r.getStatus().image.digest));
  }

  private static StoredImageAnalysis stored(PushedImage image) {
    return admin.resources(StoredImageAnalysis.class).withName(name(image.digest())).get();
  }

  private static boolean readable(PushedImage image) {
    StoredImageAnalysis s = stored(image);
    try {
      return s != null && new AnalysisCodec().decode(s.getSpec().data, image.digest()) != null;
    } catch (AnalysisCodec.UnreadableException e) {
      return false;
    }
  }

  private static void corrupt(PushedImage image, String data) {
    admin.resources(StoredImageAnalysis.class).withName(name(image.digest())).edit(s -> {
      s.getSpec().data = data;
      return s;
    });
  }

  private static String name(PushedImage image) {
    return image.reference().repository().substring(image.reference().repository().indexOf('/') + 1);
  }

  private static String name(String digest) {
    return KubernetesAnalysisStore.objectName(digest);
  }

  private static long registryRequests() {
    return (long) operator.operator().registry().find("vigil.registry.requests").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  private static String gzipBomb() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 40; i++) {
        gzip.write(zeros);
      }
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  private static String sha256Hex(String text) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
