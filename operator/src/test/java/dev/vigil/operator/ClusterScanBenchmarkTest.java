package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.ScanScheduleStatus;
import dev.vigil.testsupport.ApiRequestCounter;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.LocalRegistry;
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
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for docs/performance.md (issues 6 and 10), not assertions on time: a whole cluster's
 * scheduled scan on a real kube-apiserver and etcd (the shared test server). Deployments, their
 * ReplicaSets and running pods are created as the controllers and the kubelet would leave them;
 * their images are small single-layer images in the real local registry. The operator runs
 * in-process as its ServiceAccount with the config/default RBAC, and every request it sends to the
 * API server is counted. Run with {@code mvn -B test -Pbenchmark -Dtest=ClusterScanBenchmarkTest};
 * the scale can be lowered with {@code -Dvigil.bench.workloads=... -Dvigil.bench.podsPerWorkload=...}.
 */
@Tag("benchmark")
class ClusterScanBenchmarkTest {

  private static final int WORKLOADS = Integer.getInteger("vigil.bench.workloads", 2_000);
  private static final int PODS_PER_WORKLOAD = Integer.getInteger("vigil.bench.podsPerWorkload", 5);
  private static final int NAMESPACES = Integer.getInteger("vigil.bench.namespaces", 100);
  private static final int DIGESTS = Integer.getInteger("vigil.bench.digests", 300);
  private static final int REPOSITORIES = 30;
  /**
   * The label of the namespaces this benchmark scans, its own, so that benchmarks run one after
   * another on one API server scan only their own workloads.
   */
  private static final Map<String, String> SCANNED = Map.of("vigil.dev/scan", "cluster-bench");
  private static final String SCHEDULE = "nightly";

  private static KubeApi api;
  private static KubernetesClient client;
  private static ClusterFixture fixture;
  private static String operatorNamespace;
  private static final List<String> NAMESPACE_NAMES = new ArrayList<>();

  @Test
  void firstScheduledRunOverTheClusterAndASecondRunThatChangesNothing() throws Exception {
    api = KubeApi.shared().withCrds();
    client = api.admin();
    fixture = new ClusterFixture(api);
    figure("scale: %d pods in %d Deployments (each with a ReplicaSet) across %d namespaces,"
        + " %d distinct digests in %d repositories; real kube-apiserver at %s%n",
        WORKLOADS * PODS_PER_WORKLOAD, WORKLOADS, NAMESPACES, DIGESTS, REPOSITORIES, api.masterUrl());
    try (LocalRegistry registry = LocalRegistry.start()) {
      long start = System.nanoTime();
      List<PushedImage> images = pushImages(registry);
      figure("setup: pushed %d images in %d ms%n", images.size(), millisSince(start));

      start = System.nanoTime();
      createCluster(images);
      figure("setup: created %d namespaces, %d Deployments, %d ReplicaSets, %d pods (each with its"
          + " status written as a kubelet would) in %d ms%n",
          NAMESPACES, WORKLOADS, WORKLOADS, WORKLOADS * PODS_PER_WORKLOAD, millisSince(start));

      OperatorInstall install = OperatorInstall.apply(api, operatorNamespace, OperatorInstall.Overlay.DEFAULT);
      ApiRequestCounter requests = new ApiRequestCounter();
      long heapBefore = heapAfterGc();
      start = System.nanoTime();
      RunningOperator running = RunningOperator.in(install).minScanInterval(Duration.ofSeconds(1))
          .scan(RunningOperator.scanSettings("none")).observeRequests(requests).start();
      VigilOperator operator = running.operator();
      try {
        await().atMost(Duration.ofMinutes(3)).until(() -> policyObserved());
        figure("operator started and synced (informers over every object) in %d ms;"
            + " heap after GC before the operator %.0f MiB; API requests so far %s%n", millisSince(start),
            heapBefore / 1048576.0, requests.snapshot());

        // The schedule is created after start-up so the first scheduled run does the scanning
        // (with no schedule yet, nothing is in scope and start-up scans nothing).
        long requestsBeforeRuns = registryRequests(operator);
        Map<String, Long> apiBeforeRuns = requests.snapshot();
        Instant created = Instant.now();
        createSchedule();
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(500))
            .until(() -> lastRun() != null);
        Instant observed = Instant.now();
        // Everything the second run is compared with is taken at once: runs are due every 10 s,
        // and the slower figures below (a LIST of every report, two GCs) may outlast that.
        long requestsBeforeSecond = registryRequests(operator);
        Map<String, Long> apiBeforeSecond = requests.snapshot();
        Instant secondBaseline = Instant.now();
        ScanScheduleStatus.LastRun first = lastRun();
        long firstRequests = requestsBeforeSecond - requestsBeforeRuns;
        Map<String, Long> apiFirst = ApiRequestCounter.since(apiBeforeRuns, apiBeforeSecond);
        Map<String, String> versions = reportVersions();
        long heapAfterFirst = heapAfterGc();
        figure("first run: start %s, completion %s (%d s by the status); seen %d ms after the"
            + " schedule was created (the first run is due 10 s after creation); workloads %d, images %d,"
            + " scanned %d, fromCache %d, failed %d; registry requests %d; ImageReports %d%n",
            first.startTime, first.completionTime, seconds(first), Duration.between(created, observed).toMillis(),
            first.workloads, first.images, first.scanned, first.fromCache, first.failed, firstRequests,
            versions.size());
        figure("first run: API requests by the operator %d: %s%n", total(apiFirst), apiFirst);
        figure("heap after GC with the operator running after the first run %.0f MiB"
            + " (%.0f MiB more than before the operator started; the API server is a separate process)%n",
            heapAfterFirst / 1048576.0, (heapAfterFirst - heapBefore) / 1048576.0);
        assertEquals(WORKLOADS, first.workloads);
        assertEquals(DIGESTS, first.images);
        assertEquals(0, first.failed);
        assertEquals(WORKLOADS, versions.size(), "one report per workload container");

        // The second run is one that started after the baseline: wholly inside the counted window.
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
            .until(() -> lastRun().completionTime != null
                && Instant.parse(lastRun().startTime).isAfter(secondBaseline.minusSeconds(1)));
        ScanScheduleStatus.LastRun second = lastRun();
        long secondRequests = registryRequests(operator) - requestsBeforeSecond;
        Map<String, Long> apiSecond = ApiRequestCounter.since(apiBeforeSecond, requests.snapshot());
        Map<String, String> versionsAfter = reportVersions();
        long changed = versions.entrySet().stream()
            .filter(e -> !e.getValue().equals(versionsAfter.get(e.getKey()))).count();
        long heapAfterSecond = heapAfterGc();
        figure("second run (nothing changed): start %s, completion %s (%d s by the status);"
            + " scanned %d, fromCache %d, failed %d; registry requests %d; ImageReports rewritten %d of %d;"
            + " heap after GC %.0f MiB%n", second.startTime, second.completionTime, seconds(second),
            second.scanned, second.fromCache, second.failed, secondRequests, changed, versionsAfter.size(),
            heapAfterSecond / 1048576.0);
        figure("second run: API requests by the operator from the end of the first run to the end of the"
            + " second %d: %s%n", total(apiSecond), apiSecond);
        assertEquals(0, second.scanned, "nothing changed: nothing scanned");
        assertEquals(0, secondRequests, "nothing changed: no registry request, so no layer download");
        assertEquals(versions, versionsAfter, "nothing changed: no ImageReport written");
        long writes = apiSecond.entrySet().stream()
            .filter(e -> e.getKey().startsWith("PATCH") || e.getKey().startsWith("PUT")
                || e.getKey().startsWith("POST") || e.getKey().startsWith("DELETE"))
            .filter(e -> !e.getKey().endsWith(" events") && !e.getKey().endsWith(" leases"))
            .filter(e -> !e.getKey().endsWith("scanschedules/status"))
            .mapToLong(Map.Entry::getValue).sum();
        assertEquals(0, writes, "nothing changed: no write but the schedule's own lastRun: " + apiSecond);
      } finally {
        running.close();
      }
    }
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One tiny single-layer image per digest, spread over the repositories, pushed in parallel. */
  private static List<PushedImage> pushImages(LocalRegistry registry) throws Exception {
    RegistryPusher pusher = registry.pusher();
    return Parallel.map(DIGESTS, 4,
        n -> pusher.push("bench/app-" + (n % REPOSITORIES), "v" + n, SampleImages.alpineBuild(n)));
  }

  /** Namespaces, then per workload a Deployment, its ReplicaSet and its running pods, in parallel. */
  private static void createCluster(List<PushedImage> images) throws Exception {
    operatorNamespace = fixture.namespace("vigil-bench", Map.of());
    for (int n = 0; n < NAMESPACES; n++) {
      NAMESPACE_NAMES.add(fixture.namespace("bench-team", SCANNED));
    }
    ImagePolicy policy = ClusterFixture.policy(operatorNamespace, "default");
    policy.getSpec().match.namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(SCANNED).build();
    client.resource(policy).create();

    long start = System.nanoTime();
    Parallel.map(WORKLOADS, 8, n -> {
      workload(n, images.get(n % images.size()));
      return null;
    }, i -> {
      if ((i + 1) % 500 == 0) {
        figure("  %d workloads created after %d ms%n", i + 1, millisSince(start));
      }
    });
  }

  private static void workload(int n, PushedImage image) {
    String ns = NAMESPACE_NAMES.get(n % NAMESPACES);
    String name = "app-" + n;
    String reference = image.reference().toString();
    String imageId = reference.substring(0, reference.lastIndexOf(':')) + "@" + image.digest();
    Map<String, String> labels = Map.of("app", name);
    PodSpec spec = podSpec(reference);
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

  private static PodSpec podSpec(String image) {
    return new PodSpecBuilder().addNewContainer().withName("app").withImage(image).endContainer().build();
  }

  private static void createSchedule() {
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName(SCHEDULE).withNamespace(operatorNamespace).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().interval = "10s";
    schedule.getSpec().namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(SCANNED).build();
    client.resource(schedule).create();
  }

  private static boolean policyObserved() {
    ImagePolicy p = client.resources(ImagePolicy.class).inNamespace(operatorNamespace)
        .withName("default").get();
    return p != null && p.getStatus() != null && p.getStatus().conditions != null
        && !p.getStatus().conditions.isEmpty();
  }

  private static ScanScheduleStatus.LastRun lastRun() {
    ScanSchedule s = client.resources(ScanSchedule.class).inNamespace(operatorNamespace)
        .withName(SCHEDULE).get();
    return s == null || s.getStatus() == null ? null : s.getStatus().lastRun;
  }

  private static long seconds(ScanScheduleStatus.LastRun run) {
    return Duration.between(Instant.parse(run.startTime), Instant.parse(run.completionTime)).toSeconds();
  }

  /** vigil_registry_requests_total over every registry and code. */
  private static long registryRequests(VigilOperator operator) {
    return (long) operator.registry().find("vigil.registry.requests").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  private static Map<String, String> reportVersions() {
    Map<String, String> out = new TreeMap<>();
    client.resources(ImageReport.class).inAnyNamespace().list().getItems().stream()
        .filter(r -> NAMESPACE_NAMES.contains(r.getMetadata().getNamespace())).forEach(r ->
        out.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r.getMetadata().getResourceVersion()));
    return out;
  }

  private static long heapAfterGc() throws InterruptedException {
    System.gc();
    TimeUnit.MILLISECONDS.sleep(200);
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Prints a figure and appends it to target/cluster-scan-benchmark.txt at once, so a run cut
   * short by a time limit still leaves the figures it reached (surefire writes its captured
   * output only at the end).
   */
  private static void figure(String format, Object... args) {
    String line = String.format(format, args);
    System.out.print(line);
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of("target", "cluster-scan-benchmark.txt"), line,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      System.out.println("(could not append the figure to target/cluster-scan-benchmark.txt: " + e + ")");
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
