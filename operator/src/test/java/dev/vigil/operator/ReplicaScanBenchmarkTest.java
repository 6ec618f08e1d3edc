package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.ScanScheduleStatus;
import dev.vigil.api.StoredImageAnalysis;
import dev.vigil.testsupport.ApiRequestCounter;
import dev.vigil.testsupport.Compression;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.Parallel;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RegistryPusher;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImages;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for docs/performance.md (issue 14), not assertions on time: a whole cluster's scheduled
 * scan by N operator replicas on a real kube-apiserver and etcd, then a vulnerability-data refresh
 * after every replica restarted. Deployments, ReplicaSets and running pods are created through the
 * API as the controllers and the kubelet would leave them (as in {@link ClusterScanBenchmarkTest});
 * the images are Ubuntu-like (the curl dpkg status of {@link SampleImages}, one shared layer) plus a
 * per-image layer, in the real local registry. Every replica runs in-process as the
 * ServiceAccount with the config/default RBAC, with leader election and a member Lease
 * ({@code asReplica()}); each replica's API requests and registry requests are counted apart.
 *
 * <p>Run once per replica count, each in a JVM of its own (so each gets a fresh API server and the
 * heap holds one configuration only): {@code mvn -B test -Pbenchmark -Dtest=ReplicaScanBenchmarkTest
 * -Dvigil.bench.replicas=3}; the scale as in ClusterScanBenchmarkTest ({@code -Dvigil.bench.workloads},
 * {@code podsPerWorkload}, {@code namespaces}, {@code digests}). In-process replicas share one heap:
 * the heap figure is the growth of the JVM's heap after GC over the replicas, divided by N, i.e. the
 * mean per replica (each replica holds its own informers and caches; nothing is shared between
 * them but classes). Figures are appended to target/replica-scan-benchmark.txt as they are reached.
 */
@Tag("benchmark")
class ReplicaScanBenchmarkTest {

  private static final int REPLICAS = Integer.getInteger("vigil.bench.replicas", 3);
  private static final int WORKLOADS = Integer.getInteger("vigil.bench.workloads", 2_000);
  private static final int PODS_PER_WORKLOAD = Integer.getInteger("vigil.bench.podsPerWorkload", 5);
  private static final int NAMESPACES = Integer.getInteger("vigil.bench.namespaces", 100);
  private static final int DIGESTS = Integer.getInteger("vigil.bench.digests", 300);
  private static final int REPOSITORIES = 30;
  /**
   * The label of the namespaces this benchmark scans, its own, so that benchmarks run one after
   * another on one API server scan only their own workloads.
   */
  private static final Map<String, String> SCANNED = Map.of("vigil.dev/scan", "replica-bench");
  private static final String SCHEDULE = "nightly";
  /** Makes this run's digests its own: analyses are stored per digest for the whole server. */
  private static final String RUN = UUID.randomUUID().toString();

  private KubeApi api;
  private KubernetesClient client;
  private ClusterFixture fixture;
  private String operatorNamespace;
  private final List<String> namespaces = new ArrayList<>();
  private final Set<String> digests = new HashSet<>();
  private Path osv;

  @Test
  void firstAndSecondScheduledRunByReplicasThenARefreshAfterEveryReplicaRestarted() throws Exception {
    api = KubeApi.shared().withCrds();
    client = api.admin();
    fixture = new ClusterFixture(api);
    osv = Files.createTempDirectory("vigil-bench-osv");
    try (Stream<Path> files = Files.list(SampleImages.OSV)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.copy(f, osv.resolve(f.getFileName()));
      }
    }
    figure("== %d replica(s): %d pods in %d Deployments (each with a ReplicaSet) across %d namespaces,"
        + " %d distinct digests in %d repositories; real kube-apiserver at %s; %s%n", REPLICAS,
        WORKLOADS * PODS_PER_WORKLOAD, WORKLOADS, NAMESPACES, DIGESTS, REPOSITORIES, api.masterUrl(), load());
    try (LocalRegistry registry = LocalRegistry.start()) {
      long start = System.nanoTime();
      List<PushedImage> images = pushImages(registry);
      images.forEach(i -> digests.add(i.digest()));
      figure("setup: pushed %d images in %d ms%n", images.size(), millisSince(start));
      start = System.nanoTime();
      createCluster(images);
      figure("setup: created the cluster in %d ms; %s%n", millisSince(start), load());

      OperatorInstall install = OperatorInstall.apply(api, operatorNamespace, OperatorInstall.Overlay.DEFAULT);
      long heapBefore = heapAfterGc();
      List<Replica> replicas = new ArrayList<>(startReplicas(install));
      try {
        await().atMost(Duration.ofMinutes(3)).until(this::policyObserved);
        long heapStarted = heapAfterGc();
        figure("replicas started and synced; heap after GC before them %.0f MiB, with them %.0f MiB"
            + " (%.1f MiB per replica); %s%n", mib(heapBefore), mib(heapStarted),
            mib(heapStarted - heapBefore) / REPLICAS, load());

        // First run: its end is the moment every workload's report carries a scan; the leader's
        // lastRun covers its own share only.
        Totals before = totals(replicas);
        Instant created = Instant.now();
        createSchedule();
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(2))
            .until(() -> scannedReports() == WORKLOADS);
        Duration firstWall = Duration.between(created, Instant.now());
        Totals first = totals(replicas).minus(before);
        long heapFirst = heapAfterGc();
        figure("first run: every report written %d s after the schedule was created (the first run is"
            + " due 10 s after creation); leader's lastRun %s; %s%n", firstWall.toSeconds(), describe(lastRun()),
            load());
        figure("first run: %s%n", first);
        figure("first run: heap after GC %.0f MiB, %.1f MiB per replica over the heap before them%n",
            mib(heapFirst), mib(heapFirst - heapBefore) / REPLICAS);
        storedAnalyses();

        // Second run: one that started after the baseline, wholly inside the counted window; the
        // replicas' shares are over when their scan counters stop moving.
        Map<String, String> versions = reportVersions();
        Totals baseline = totals(replicas);
        Instant secondBaseline = Instant.now();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
            .until(() -> lastRun() != null && lastRun().completionTime != null
                && Instant.parse(lastRun().startTime).isAfter(secondBaseline.minusSeconds(1)));
        ScanScheduleStatus.LastRun second = lastRun();
        Totals secondTotals = totals(replicas).minus(baseline);
        Map<String, String> versionsAfter = reportVersions();
        long rewritten = versions.entrySet().stream()
            .filter(e -> !e.getValue().equals(versionsAfter.get(e.getKey()))).count();
        figure("second run (nothing changed): leader's lastRun %s; ImageReports rewritten %d of %d; %s%n",
            describe(second), rewritten, versionsAfter.size(), load());
        figure("second run: from its baseline to the leader's completion: %s%n", secondTotals);
        assertEquals(0, secondTotals.registry, "nothing changed: no registry request");
        assertEquals(versions, versionsAfter, "nothing changed: no ImageReport written");

        // Refresh after a restart of every replica: the analyses come from the store.
        Map<String, String> snapshots = snapshots();
        stop(replicas);
        replicas.addAll(startReplicas(install));
        Totals restarted = totals(replicas);
        figure("restart: %d new replica(s) are members; counted since they started: %s%n", REPLICAS, restarted);
        Instant added = Instant.now();
        addRecord();
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofSeconds(2))
            .until(() -> rematched(snapshots));
        Duration refreshWall = Duration.between(added, Instant.now());
        Totals refresh = totals(replicas).minus(restarted);
        figure("refresh after restart: every report re-matched %d s after the OSV record was added (the"
            + " database directory is polled every 5 s); %s%n", refreshWall.toSeconds(), load());
        figure("refresh after restart: %s%n", refresh);
        assertEquals(0, refresh.registry, "every analysis came from the store");
      } finally {
        stop(replicas);
      }
    }
  }

  /** One replica's counters. */
  private record Replica(RunningOperator operator, ApiRequestCounter requests) {}

  /** Registry and API requests summed over the replicas, and per replica. */
  private record Totals(long registry, List<Long> registryPerReplica, Map<String, Long> api,
      List<Long> apiPerReplica) {

    Totals minus(Totals before) {
      List<Long> reg = new ArrayList<>();
      List<Long> per = new ArrayList<>();
      for (int i = 0; i < registryPerReplica.size(); i++) {
        reg.add(registryPerReplica.get(i) - before.registryPerReplica.get(i));
        per.add(apiPerReplica.get(i) - before.apiPerReplica.get(i));
      }
      return new Totals(registry - before.registry, reg, ApiRequestCounter.since(before.api, api), per);
    }

    long writes(String resource) {
      return api.entrySet().stream()
          .filter(e -> e.getKey().matches("(PATCH|PUT|POST|DELETE) " + resource + "(/.*)?"))
          .mapToLong(Map.Entry::getValue).sum();
    }

    @Override
    public String toString() {
      return String.format("registry requests %d %s; ImageReport writes %d, ImageAnalysis writes %d, ImageAnalysis"
          + " GETs %d; API requests %d %s: %s", registry, registryPerReplica, writes("imagereports"),
          writes("imageanalyses"), api.getOrDefault("GET imageanalyses", 0L),
          apiPerReplica.stream().mapToLong(Long::longValue).sum(), apiPerReplica, api);
    }
  }

  private List<Replica> startReplicas(OperatorInstall install) throws IOException {
    List<Replica> out = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) {
      ApiRequestCounter requests = new ApiRequestCounter();
      var defaults = RunningOperator.scanSettings(osv.toString());
      ScanSettings settings = new ScanSettings(defaults.vulnDb(), Duration.ofSeconds(5), defaults.dataDir(),
          defaults.platform(), defaults.concurrency(), defaults.layerCacheBytes(), defaults.insecureRegistries(),
          false, defaults.scanner(), defaults.watchNamespaces());
      out.add(new Replica(RunningOperator.in(install).minScanInterval(Duration.ofSeconds(1)).scan(settings)
          .observeRequests(requests).asReplica().start(), requests));
    }
    await().atMost(Duration.ofMinutes(3)).until(() -> replicas(out));
    return out;
  }

  private static boolean replicas(List<Replica> replicas) {
    return replicas.stream().allMatch(r -> r.operator().operator().members().size() == REPLICAS);
  }

  private static void stop(List<Replica> replicas) {
    List<Replica> running = new ArrayList<>(replicas);
    replicas.clear();
    for (Replica r : running) {
      r.operator().close();
    }
  }

  private static Totals totals(List<Replica> replicas) {
    List<Long> registry = new ArrayList<>();
    List<Long> api = new ArrayList<>();
    Map<String, Long> all = new TreeMap<>();
    for (Replica r : replicas) {
      registry.add((long) r.operator().operator().registry().find("vigil.registry.requests").counters().stream()
          .mapToDouble(Counter::count).sum());
      Map<String, Long> counts = r.requests().snapshot();
      counts.forEach((k, v) -> all.merge(k, v, Long::sum));
      api.add(counts.values().stream().mapToLong(Long::longValue).sum());
    }
    return new Totals(registry.stream().mapToLong(Long::longValue).sum(), registry, all, api);
  }

  /** Size of the stored analyses of this run's digests. */
  private void storedAnalyses() {
    List<StoredImageAnalysis> stored = client.resources(StoredImageAnalysis.class).list().getItems().stream()
        .filter(s -> s.getSpec() != null && digests.contains(s.getSpec().digest)).toList();
    KubernetesSerialization json = new KubernetesSerialization();
    long data = stored.stream().mapToLong(s -> s.getSpec().storedBytes).sum();
    long uncompressed = stored.stream().mapToLong(s -> s.getSpec().uncompressedBytes).sum();
    long objects = stored.stream().mapToLong(s -> json.asJson(s).length()).sum();
    int n = Math.max(1, stored.size());
    figure("stored analyses: %d ImageAnalysis objects for %d digests; per object: %d packages, document %d"
        + " bytes, spec.data %d bytes (gzip+base64), whole object as JSON %d bytes (as read back, with"
        + " managedFields); all objects %.1f KiB%n", stored.size(), digests.size(),
        stored.isEmpty() ? 0 : stored.get(0).getSpec().packages, uncompressed / n, data / n, objects / n,
        objects / 1024.0);
    assertEquals(digests.size(), stored.size(), "one stored analysis per digest");
  }

  /** One image per digest: a shared Ubuntu layer with curl's dpkg status, and a layer of its own. */
  private static List<PushedImage> pushImages(LocalRegistry registry) throws Exception {
    RegistryPusher pusher = registry.pusher();
    return Parallel.map(DIGESTS, 4, n -> pusher.push("bench/app-" + (n % REPOSITORIES), "v" + n,
        TestImages.image().user("1000")
            .layer(TestImages.layer()
                .file("etc/os-release", SampleImages.UBUNTU_RELEASE)
                .file("var/lib/dpkg/status", SampleImages.dpkgStatus("7.81.0-1ubuntu1.10"))
                .build(Compression.GZIP))
            .layer(TestImages.layer().file("app/build-" + n + ".txt", "build " + n + " " + RUN + "\n")
                .build(Compression.GZIP))
            .build()));
  }

  private void createCluster(List<PushedImage> images) throws Exception {
    operatorNamespace = fixture.namespace("vigil-rbench", Map.of());
    for (int n = 0; n < NAMESPACES; n++) {
      namespaces.add(fixture.namespace("rbench-team", SCANNED));
    }
    ImagePolicy policy = ClusterFixture.policy(operatorNamespace, "default");
    policy.getSpec().match.namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(SCANNED).build();
    client.resource(policy).create();
    Parallel.map(WORKLOADS, 8, n -> {
      workload(n, images.get(n % images.size()));
      return null;
    });
  }

  private void workload(int n, PushedImage image) {
    String ns = namespaces.get(n % NAMESPACES);
    String name = "app-" + n;
    String reference = image.reference().toString();
    String imageId = reference.substring(0, reference.lastIndexOf(':')) + "@" + image.digest();
    Map<String, String> labels = Map.of("app", name);
    PodSpec spec = new PodSpecBuilder().addNewContainer().withName("app").withImage(reference).endContainer().build();
    Deployment deployment = client.resource(new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).withLabels(labels).build())
        .withNewSpec().withReplicas(PODS_PER_WORKLOAD).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
    Map<String, String> rsLabels = Map.of("app", name, "pod-template-hash", "7d4b9c");
    ReplicaSet rs = client.resource(new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name + "-7d4b9c").withNamespace(ns).withLabels(rsLabels)
            .withAnnotations(Map.of("deployment.kubernetes.io/revision", "1"))
            .withOwnerReferences(ClusterFixture.controller(deployment)).build())
        .withNewSpec().withReplicas(PODS_PER_WORKLOAD).withNewSelector().withMatchLabels(rsLabels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(rsLabels).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
    for (int p = 0; p < PODS_PER_WORKLOAD; p++) {
      Pod pod = fixture.pod(rs, rs.getMetadata().getName() + "-" + p, spec);
      fixture.kubelet(pod, c -> imageId);
    }
  }

  private void createSchedule() {
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName(SCHEDULE).withNamespace(operatorNamespace).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().interval = "10s";
    schedule.getSpec().namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(SCANNED).build();
    client.resource(schedule).create();
  }

  /** An OSV record for curl on Ubuntu 22.04 with a fresh id: the data changes, the images do not. */
  private void addRecord() throws IOException {
    String record = """
        {"schema_version": "1.6.0", "id": "USN-9998-1", "summary": "benchmark record",
         "modified": "2026-12-01T00:00:00Z", "published": "2026-12-01T00:00:00Z",
         "upstream": ["UBUNTU-CVE-2099-9998"],
         "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "curl"},
           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}]}]}
        """;
    Files.writeString(osv.resolve("USN-9998-1.json"), record);
  }

  private boolean policyObserved() {
    ImagePolicy p = client.resources(ImagePolicy.class).inNamespace(operatorNamespace).withName("default").get();
    return p != null && p.getStatus() != null && p.getStatus().conditions != null
        && !p.getStatus().conditions.isEmpty();
  }

  private ScanScheduleStatus.LastRun lastRun() {
    ScanSchedule s = client.resources(ScanSchedule.class).inNamespace(operatorNamespace).withName(SCHEDULE).get();
    return s == null || s.getStatus() == null ? null : s.getStatus().lastRun;
  }

  private static String describe(ScanScheduleStatus.LastRun run) {
    if (run == null) {
      return "(none yet)";
    }
    String seconds = run.completionTime == null ? "running"
        : Duration.between(Instant.parse(run.startTime), Instant.parse(run.completionTime)).toSeconds() + " s";
    return String.format("start %s, %s, workloads %d, images %d, scanned %d, fromCache %d, failed %d",
        run.startTime, seconds, run.workloads, run.images, run.scanned, run.fromCache, run.failed);
  }

  private List<ImageReport> reports() {
    return client.resources(ImageReport.class).inAnyNamespace().list().getItems().stream()
        .filter(r -> namespaces.contains(r.getMetadata().getNamespace())).toList();
  }

  private long scannedReports() {
    return reports().stream().filter(r -> r.getStatus() != null && r.getStatus().image != null
        && digests.contains(r.getStatus().image.digest) && r.getStatus().scan != null).count();
  }

  private Map<String, String> reportVersions() {
    Map<String, String> out = new TreeMap<>();
    reports().forEach(r -> out.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
        r.getMetadata().getResourceVersion()));
    return out;
  }

  private Map<String, String> snapshots() {
    Map<String, String> out = new TreeMap<>();
    for (ImageReport r : reports()) {
      String snapshot = r.getStatus() == null || r.getStatus().scan == null || r.getStatus().scan.vulnerabilityDb == null
          ? "" : r.getStatus().scan.vulnerabilityDb.snapshot;
      out.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), snapshot);
    }
    return out;
  }

  /** Every report names another database snapshot than before. */
  private boolean rematched(Map<String, String> before) {
    Map<String, String> now = snapshots();
    return now.keySet().equals(before.keySet()) && now.entrySet().stream()
        .allMatch(e -> e.getValue() != null && !e.getValue().equals(before.get(e.getKey())));
  }

  private static long heapAfterGc() throws InterruptedException {
    System.gc();
    TimeUnit.MILLISECONDS.sleep(200);
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return "load average " + parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "load average " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
  }

  /** Prints a figure and appends it to target/replica-scan-benchmark.txt at once (a cut run keeps it). */
  private static void figure(String format, Object... args) {
    String line = String.format(format, args);
    System.out.print(line);
    try {
      Files.writeString(Path.of("target", "replica-scan-benchmark.txt"), line,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("(could not append the figure to target/replica-scan-benchmark.txt: " + e + ")");
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
