package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImageReport;
import dev.vigil.api.StoredImageAnalysis;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.ScanScheduleStatus;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.Parallel;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.RegistryPusher;
import dev.vigil.testsupport.RunningOperator;
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
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for the default scan concurrency (issue 12 item 4), not assertions on time: scans per
 * minute of a first scheduled run over 300 distinct digests, one Deployment each, on a real
 * kube-apiserver with the images in the real local registry, at several {@code
 * --scan-concurrency} values. The machine is shared and its load changes by the minute, so the
 * values are run interleaved, round after round, each round in a rotated order; compare the
 * medians and their ratios, not single runs.
 *
 * <p>Each run starts a fresh in-process operator as its ServiceAccount (empty scan and layer
 * caches), creates the ScanSchedule, and counts from the first finished scan until the run's
 * {@code lastRun.completionTime} is seen (polled every 100 ms): every workload is scanned and its
 * ImageReport written in that time. Then the operator stops and the schedule and reports are
 * deleted; the stored analyses (ImageAnalysis) are deleted before each run, so that every run
 * analyses every image. Run with {@code mvn -B test -Pbenchmark -Dtest=ScanThroughputBenchmarkTest}; {@code
 * -Dvigil.bench.concurrency=1,2,4,8} (default), {@code -Dvigil.bench.rounds=3} (default) and
 * {@code -Dvigil.bench.digests=300}. Figures are appended to target/scan-throughput-benchmark.txt.
 */
@Tag("benchmark")
class ScanThroughputBenchmarkTest {

  private static final int DIGESTS = Integer.getInteger("vigil.bench.digests", 300);
  private static final int ROUNDS = Integer.getInteger("vigil.bench.rounds", 3);
  private static final List<Integer> CONCURRENCY = Arrays.stream(
      System.getProperty("vigil.bench.concurrency", "1,2,4,8").split(",")).map(s -> Integer.parseInt(s.trim()))
      .toList();
  private static final int NAMESPACES = 10;
  private static final int REPOSITORIES = 30;
  /**
   * The label of the namespaces this benchmark scans, its own, so that benchmarks run one after
   * another on one API server scan only their own workloads.
   */
  private static final Map<String, String> SCANNED = Map.of("vigil.dev/scan", "throughput-bench");
  private static final String SCHEDULE = "throughput";

  private KubernetesClient client;
  private ClusterFixture fixture;
  private String operatorNamespace;
  private final List<String> namespaces = new ArrayList<>();

  @Test
  void scansPerMinuteAtEachScanConcurrency() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    client = api.admin();
    fixture = new ClusterFixture(api);
    try (LocalRegistry registry = LocalRegistry.start()) {
      List<PushedImage> images = pushImages(registry);
      createCluster(images);
      OperatorInstall install = OperatorInstall.apply(api, operatorNamespace, OperatorInstall.Overlay.DEFAULT);
      figure("%d Deployments (one running pod each) across %d namespaces, %d distinct digests; concurrency %s,"
          + " %d rounds; load average %.1f%n", DIGESTS, NAMESPACES, DIGESTS, CONCURRENCY, ROUNDS, load());
      Map<Integer, List<Double>> perMinute = new LinkedHashMap<>();
      CONCURRENCY.forEach(c -> perMinute.put(c, new ArrayList<>()));
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < CONCURRENCY.size(); i++) {
          int concurrency = CONCURRENCY.get((i + round) % CONCURRENCY.size());
          double rate = run(install, concurrency, round);
          perMinute.get(concurrency).add(rate);
        }
      }
      double reference = median(perMinute.getOrDefault(4, perMinute.values().iterator().next()));
      for (Map.Entry<Integer, List<Double>> e : perMinute.entrySet()) {
        double median = median(e.getValue());
        figure("concurrency %d: scans per minute %s, median %.0f, %.2fx of concurrency %d%n", e.getKey(),
            e.getValue().stream().map(v -> String.format("%.0f", v)).toList(), median, median / reference,
            perMinute.containsKey(4) ? 4 : CONCURRENCY.get(0));
      }
    }
  }

  /** One first run at this concurrency; returns scans per minute. */
  private double run(OperatorInstall install, int concurrency, int round) throws Exception {
    ScanSettings base = RunningOperator.scanSettings("none");
    ScanSettings settings = new ScanSettings(base.vulnDb(), base.vulnDbRefresh(), base.dataDir(), base.platform(),
        concurrency, base.layerCacheBytes(), base.insecureRegistries(), base.perVulnerabilityMetrics(),
        base.scanner(), base.watchNamespaces());
    // No stored analyses (ImageAnalysis) from an earlier run or benchmark on this API server:
    // the run would read them instead of analysing the images.
    client.resources(StoredImageAnalysis.class).delete();
    await().atMost(Duration.ofMinutes(3))
        .until(() -> client.resources(StoredImageAnalysis.class).list().getItems().isEmpty());
    double load = load();
    try (RunningOperator running = RunningOperator.in(install).minScanInterval(Duration.ofSeconds(1))
        .scan(settings).start()) {
      VigilOperator operator = running.operator();
      await().atMost(Duration.ofMinutes(3)).until(operator::isReady);
      // The first operator writes the policy's status; that change re-judges every covered
      // workload, which must not happen while the run is measured (it would scan them a second way).
      await().atMost(Duration.ofMinutes(3)).until(this::policyObserved);
      Thread.sleep(2000);
      createSchedule();
      Instant firstScan = null;
      ScanScheduleStatus.LastRun last = null;
      long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      while (System.nanoTime() < deadline) {
        if (firstScan == null && scans(operator) > 0) {
          firstScan = Instant.now();
        }
        last = lastRun();
        if (last != null && last.completionTime != null) {
          break;
        }
        Thread.sleep(100);
      }
      Instant done = Instant.now();
      if (firstScan == null || last == null || last.completionTime == null) {
        throw new AssertionError("no completed run at concurrency " + concurrency + " within 15 minutes");
      }
      assertEquals(DIGESTS, last.workloads);
      assertEquals(DIGESTS, last.images);
      assertEquals(0, last.failed);
      // Every image analysed from the registry: a run that found them in the store measured nothing.
      assertEquals(DIGESTS, last.scanned);
      double seconds = Duration.between(firstScan, done).toMillis() / 1000.0;
      double rate = DIGESTS / seconds * 60;
      figure("round %d, concurrency %d: %d digests scanned and reported in %.1f s (lastRun %s to %s), %.0f scans"
          + " per minute; scanned %d, fromCache %d; load average %.1f before, %.1f after%n", round + 1, concurrency,
          DIGESTS, seconds, last.startTime, last.completionTime, rate, last.scanned, last.fromCache, load, load());
      return rate;
    } finally {
      client.resources(ScanSchedule.class).inNamespace(operatorNamespace).withName(SCHEDULE).delete();
      for (String ns : namespaces) {
        client.resources(ImageReport.class).inNamespace(ns).delete();
      }
      await().atMost(Duration.ofMinutes(3)).until(() -> lastRun() == null
          && namespaces.stream()
              .allMatch(ns -> client.resources(ImageReport.class).inNamespace(ns).list().getItems().isEmpty()));
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double load() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static long scans(VigilOperator operator) {
    return (long) operator.registry().find("vigil.scans").counters().stream().mapToDouble(Counter::count).sum();
  }

  private static List<PushedImage> pushImages(LocalRegistry registry) throws Exception {
    RegistryPusher pusher = registry.pusher();
    return Parallel.map(DIGESTS, 4,
        n -> pusher.push("bench/app-" + (n % REPOSITORIES), "v" + n, SampleImages.alpineBuild(n)));
  }

  private void createCluster(List<PushedImage> images) throws Exception {
    operatorNamespace = fixture.namespace("vigil-throughput", Map.of());
    for (int n = 0; n < NAMESPACES; n++) {
      namespaces.add(fixture.namespace("throughput-team", SCANNED));
    }
    ImagePolicy policy = ClusterFixture.policy(operatorNamespace, "default");
    policy.getSpec().match.namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(SCANNED).build();
    client.resource(policy).create();
    Parallel.map(DIGESTS, 8, n -> {
      workload(n, images.get(n));
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
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
    Map<String, String> rsLabels = Map.of("app", name, "pod-template-hash", "7d4b9c");
    ReplicaSet rs = client.resource(new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name + "-7d4b9c").withNamespace(ns).withLabels(rsLabels)
            .withAnnotations(Map.of("deployment.kubernetes.io/revision", "1"))
            .withOwnerReferences(ClusterFixture.controller(deployment)).build())
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(rsLabels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(rsLabels).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
    Pod pod = fixture.pod(rs, rs.getMetadata().getName() + "-0", spec);
    fixture.kubelet(pod, c -> imageId);
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

  private boolean policyObserved() {
    ImagePolicy p = client.resources(ImagePolicy.class).inNamespace(operatorNamespace).withName("default").get();
    return p != null && p.getStatus() != null && p.getStatus().conditions != null
        && !p.getStatus().conditions.isEmpty();
  }

  private ScanScheduleStatus.LastRun lastRun() {
    ScanSchedule s = client.resources(ScanSchedule.class).inNamespace(operatorNamespace).withName(SCHEDULE).get();
    return s == null || s.getStatus() == null ? null : s.getStatus().lastRun;
  }

  private static void figure(String format, Object... args) {
    String line = String.format(format, args);
    System.out.print(line);
    try {
      Files.writeString(Path.of("target", "scan-throughput-benchmark.txt"), line,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      System.out.println("(could not append the figure: " + e + ")");
    }
  }
}
