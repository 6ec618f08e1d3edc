package dev.vigil.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.WorkloadKind;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for docs/performance.md (issue 14 item 3), not assertions on size: the heap the
 * workload informers hold for a cluster of 10,000 and then 50,000 pods on a real kube-apiserver,
 * with the caches keeping whole objects, dropping only managedFields and last-applied (before
 * issue 14), and keeping only the fields Vigil reads (now). The objects look like a real
 * cluster's: Deployments applied with kubectl (last-applied annotation), pod templates with
 * env, resources, probes, ports, volume mounts, volumes and a security context, pods with a
 * node, tolerations and a status as the kubelet writes it. The server fills managedFields
 * itself. Pods are created directly through the API (no controllers, no kubelet).
 *
 * <p>A fourth configuration keeps only the fields read and lists in pages, as the operator does:
 * the retained heap is the third's, the peak during the sync is what paging changes.
 *
 * <p>Each configuration starts a fresh {@link WorkloadIndex} as Vigil's ServiceAccount (config/default
 * RBAC), waits for it to sync, and measures used heap after GC minus the heap before; the index
 * is closed before the next. It also asserts that the three caches give every sampled workload
 * the same images and digests. Run with {@code mvn -B test -Pbenchmark
 * -Dtest=InformerHeapBenchmarkTest}; {@code -Dvigil.bench.podCounts=10000,50000} (the default)
 * sets the steps, {@code -Dvigil.bench.podsPerWorkload=5} and {@code -Dvigil.bench.namespaces=100}
 * the shape. Figures are appended to target/informer-heap-benchmark.txt as they are measured.
 *
 * <p>At 50,000 pods the whole-object caches hold about 3 GB, and a sync without pages holds the
 * whole list on top: the surefire fork's {@code -Xmx2g} is too small for that step (the figures
 * of 2026-12-06 were taken with {@code -Xmx5g}). A single list of 50,000 whole pods did not even
 * finish within the client's request timeout there, so that step measures paged syncs only:
 * {@code -Dvigil.bench.caches=FIELDS_READ/500,METADATA/500,NONE/500} picks the configurations
 * and their order. Creating 50,000 pods and their statuses takes 10 to 20 minutes on the shared
 * 2-core machine.
 */
@Tag("benchmark")
class InformerHeapBenchmarkTest {

  private static final String POD_COUNTS = System.getProperty("vigil.bench.podCounts", "10000,50000");
  private static final int PODS_PER_WORKLOAD = Integer.getInteger("vigil.bench.podsPerWorkload", 5);
  private static final int NAMESPACES = Integer.getInteger("vigil.bench.namespaces", 100);
  private static final int DIGESTS = 300;
  private static final int SAMPLED_WORKLOADS = 200;
  private static final String NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

  private KubernetesClient admin;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> workloadNames = new ArrayList<>();

  @Test
  void heapOfTheWorkloadCachesWholeMetadataTrimmedAndFieldsRead() throws Exception {
    KubeApi api = KubeApi.shared();
    admin = api.admin();
    String operatorNamespace = api.createNamespace("vigil-heap-bench");
    OperatorInstall install = OperatorInstall.apply(api, operatorNamespace, OperatorInstall.Overlay.DEFAULT);
    for (int n = 0; n < NAMESPACES; n++) {
      namespaces.add(api.createNamespace("heap-team"));
    }
    int workloads = 0;
    for (String step : POD_COUNTS.split(",")) {
      int pods = Integer.parseInt(step.trim());
      int target = pods / PODS_PER_WORKLOAD;
      long start = System.nanoTime();
      createWorkloads(workloads, target);
      workloads = target;
      figure("setup: %d Deployments, %d ReplicaSets, %d pods (status written) in %d namespaces after %d s%n",
          workloads, workloads, workloads * PODS_PER_WORKLOAD, NAMESPACES, secondsSince(start));
      Map<String, List<String>> reference = null;
      for (Caches caches : CACHES) {
        long before = heapAfterGc();
        start = System.nanoTime();
        HeapSampler peak = HeapSampler.start();
        try (WorkloadIndex index = new WorkloadIndex(install.client(), Set.of(), caches.trimming(), caches.pageSize())) {
          index.startAndAwaitSync(Duration.ofMinutes(15));
          long synced = System.nanoTime() - start;
          long peakUsed = peak.stop();
          long after = heapAfterGc();
          Map<String, List<String>> view = sampledView(index);
          int podCount = workloads * PODS_PER_WORKLOAD;
          figure("%d pods, %s: synced in %.1f s; heap after GC %.0f MiB before the index, %.0f MiB with it:"
              + " %.1f MiB for the caches, %.2f KiB per pod (everything cached divided by pods); used heap"
              + " sampled during the sync peaked at %.0f MiB (garbage included)%n",
              podCount, caches, synced / 1e9, before / 1048576.0, after / 1048576.0, (after - before) / 1048576.0,
              (after - before) / 1024.0 / podCount, peakUsed / 1048576.0);
          assertEquals(Math.min(SAMPLED_WORKLOADS, workloads), view.size());
          assertTrue(view.values().stream().allMatch(images -> !images.get(0).endsWith(" null")),
              "every sampled workload has a running digest: " + view);
          if (reference == null) {
            reference = view;
          } else {
            assertEquals(reference, view, "the same images and digests whatever the caches keep");
          }
        }
      }
    }
  }

  /** What the caches keep and how they list. */
  private record Caches(CacheTrimming.Mode trimming, Long pageSize) {
    @Override
    public String toString() {
      String what = switch (trimming) {
        case NONE -> "whole objects";
        case METADATA -> "without managedFields and last-applied (before issue 14)";
        case FIELDS_READ -> "only the fields read";
      };
      return what + (pageSize == null ? ", one list" : ", lists in pages of " + pageSize);
    }
  }

  private static final List<Caches> CACHES = caches(System.getProperty("vigil.bench.caches",
      "NONE,METADATA,FIELDS_READ,FIELDS_READ/" + ClusterCaches.PAGE_SIZE));

  /** "MODE" (one list) or "MODE/PAGE" each, comma-separated, in the order measured. */
  private static List<Caches> caches(String spec) {
    List<Caches> out = new ArrayList<>();
    for (String item : spec.split(",")) {
      String[] parts = item.trim().split("/");
      out.add(new Caches(CacheTrimming.Mode.valueOf(parts[0]), parts.length > 1 ? Long.valueOf(parts[1]) : null));
    }
    return out;
  }

  /** The most heap in use, sampled every 10 ms: includes garbage, so an indication only. */
  private static final class HeapSampler {
    private volatile boolean running = true;
    private volatile long max;
    private final Thread thread;

    private HeapSampler() {
      thread = new Thread(() -> {
        while (running) {
          max = Math.max(max, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      thread.setDaemon(true);
    }

    static HeapSampler start() {
      HeapSampler sampler = new HeapSampler();
      sampler.thread.start();
      return sampler;
    }

    long stop() throws InterruptedException {
      running = false;
      thread.join();
      return max;
    }
  }

  /** Images and running digests of some workloads spread over the cluster. */
  private Map<String, List<String>> sampledView(WorkloadIndex index) {
    Map<String, List<String>> out = new TreeMap<>();
    int count = Math.min(SAMPLED_WORKLOADS, workloadNames.size());
    for (int i = 0; i < count; i++) {
      int n = (int) ((long) i * workloadNames.size() / count);
      String ns = namespaces.get(n % NAMESPACES);
      Workload workload = index.workload(WorkloadKind.Deployment, ns, workloadNames.get(n)).orElseThrow();
      out.put(ns + "/" + workloadNames.get(n), index.images(workload).stream()
          .map(c -> c.containerType() + " " + c.container() + " " + c.reference() + " " + c.imagePullPolicy()
              + " " + c.digest())
          .toList());
    }
    return out;
  }

  private void createWorkloads(int from, int to) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> creations = new ArrayList<>();
      for (int w = from; w < to; w++) {
        int n = w;
        workloadNames.add("app-" + n);
        creations.add(pool.submit(() -> {
          workload(n);
          return null;
        }));
      }
      for (Future<?> f : creations) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void workload(int n) {
    String ns = namespaces.get(n % NAMESPACES);
    String name = "app-" + n;
    int digest = n % DIGESTS;
    String image = "registry.example.com/team-" + (digest % 30) + "/service-" + digest + ":1." + digest + ".0";
    String imageId = "registry.example.com/team-" + (digest % 30) + "/service-" + digest + "@sha256:"
        + String.format("%064x", digest + 1);
    Map<String, String> selector = Map.of("app.kubernetes.io/name", name);
    Map<String, String> labels = new LinkedHashMap<>(selector);
    labels.put("app.kubernetes.io/part-of", "shop");
    labels.put("app.kubernetes.io/version", "1." + digest + ".0");
    labels.put("team", "team-" + (digest % 30));
    Map<String, String> podAnnotations = Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "9090",
        "checksum/config", String.format("%064x", n));
    PodSpec spec = podSpec(name, image);
    Deployment desired = new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).withLabels(labels).build())
        .withNewSpec().withReplicas(PODS_PER_WORKLOAD).withNewSelector().withMatchLabels(selector).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).withAnnotations(podAnnotations).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build();
    // As kubectl apply leaves it: the whole manifest again in an annotation.
    desired.getMetadata().setAnnotations(Map.of(CacheTrimming.LAST_APPLIED, Serialization.asJson(desired)));
    Deployment deployment = admin.resource(desired).create();
    Map<String, String> rsLabels = new LinkedHashMap<>(labels);
    rsLabels.put("pod-template-hash", "7d4b9c");
    ReplicaSet rs = admin.resource(new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name + "-7d4b9c").withNamespace(ns).withLabels(rsLabels)
            .withAnnotations(Map.of(CurrentRevisionPods.DEPLOYMENT_REVISION, "1",
                "deployment.kubernetes.io/desired-replicas", String.valueOf(PODS_PER_WORKLOAD),
                "deployment.kubernetes.io/max-replicas", String.valueOf(PODS_PER_WORKLOAD + 1)))
            .withOwnerReferences(controller(deployment)).build())
        .withNewSpec().withReplicas(PODS_PER_WORKLOAD).withNewSelector().withMatchLabels(rsLabels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(rsLabels).withAnnotations(podAnnotations).endMetadata()
        .withSpec(spec).endTemplate().endSpec().build()).create();
    for (int p = 0; p < PODS_PER_WORKLOAD; p++) {
      PodSpec podSpec = new PodSpecBuilder(spec).withNodeName("node-" + ((n + p) % 50))
          .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
          .withEffect("NoExecute").withTolerationSeconds(300L).endToleration()
          .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
          .withEffect("NoExecute").withTolerationSeconds(300L).endToleration()
          .build();
      Pod pod = admin.resource(new PodBuilder()
          .withMetadata(new ObjectMetaBuilder().withName(rs.getMetadata().getName() + "-" + p).withNamespace(ns)
              .withLabels(rsLabels).withAnnotations(podAnnotations).withOwnerReferences(controller(rs)).build())
          .withSpec(podSpec).build()).create();
      pod.setStatus(status(pod, imageId, n, p));
      admin.pods().resource(pod).updateStatus();
    }
  }

  private static PodSpec podSpec(String name, String image) {
    Container app = new ContainerBuilder().withName("app").withImage(image).withImagePullPolicy("IfNotPresent")
        .withArgs("--config=/etc/app/config.yaml", "--log-format=json")
        .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").endPort()
        .addNewPort().withName("metrics").withContainerPort(9090).withProtocol("TCP").endPort()
        .addNewEnv().withName("APP_NAME").withValue(name).endEnv()
        .addNewEnv().withName("LOG_LEVEL").withValue("info").endEnv()
        .addNewEnv().withName("DATABASE_HOST").withValue("postgres.shop.svc.cluster.local").endEnv()
        .addNewEnv().withName("DATABASE_PORT").withValue("5432").endEnv()
        .addNewEnv().withName("CACHE_URL").withValue("redis://redis.shop.svc.cluster.local:6379/0").endEnv()
        .addNewEnv().withName("OTEL_EXPORTER_OTLP_ENDPOINT").withValue("http://otel-collector.observability:4317")
        .endEnv()
        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
        .endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("DATABASE_PASSWORD").withNewValueFrom().withNewSecretKeyRef().withName(name + "-db")
        .withKey("password").endSecretKeyRef().endValueFrom().endEnv()
        .withNewResources().withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
        .withLimits(Map.of("memory", new Quantity("512Mi"))).endResources()
        .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http")).endHttpGet()
        .withInitialDelaySeconds(10).withPeriodSeconds(10).endLivenessProbe()
        .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withPort(new IntOrString("http")).endHttpGet()
        .withPeriodSeconds(5).endReadinessProbe()
        .addNewVolumeMount().withName("config").withMountPath("/etc/app").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(10001L).withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .build();
    Container proxy = new ContainerBuilder().withName("proxy").withImage("docker.io/envoyproxy/envoy:v1.31.2")
        .withArgs("-c", "/etc/envoy/envoy.yaml")
        .addNewPort().withName("proxy").withContainerPort(15001).endPort()
        .withNewResources().withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("64Mi")))
        .endResources()
        .addNewVolumeMount().withName("envoy").withMountPath("/etc/envoy").endVolumeMount()
        .build();
    return new PodSpecBuilder().withContainers(app, proxy)
        .withServiceAccountName(name)
        .withNewSecurityContext().withFsGroup(10001L).withNewSeccompProfile().withType("RuntimeDefault")
        .endSeccompProfile().endSecurityContext()
        .addNewVolume().withName("config").withNewConfigMap().withName(name + "-config").endConfigMap().endVolume()
        .addNewVolume().withName("envoy").withNewConfigMap().withName("envoy-sidecar").endConfigMap().endVolume()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.PodStatus status(Pod pod, String imageId, int n, int p) {
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      String id = "app".equals(c.getName()) ? imageId
          : "docker.io/envoyproxy/envoy@sha256:" + String.format("%064x", 7);
      statuses.add(new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withImageID(id)
          .withContainerID("containerd://" + String.format("%064x", (long) n * 10 + p))
          .withReady(true).withStarted(true).withRestartCount(0)
          .withNewState().withNewRunning().withStartedAt(NOW).endRunning().endState().build());
    }
    String ip = "10." + (n / 250 % 250) + "." + (n % 250) + "." + (p + 1);
    return new PodStatusBuilder().withPhase("Running").withStartTime(NOW).withQosClass("Burstable")
        .withHostIP("192.168.0." + ((n + p) % 50 + 1)).withPodIP(ip).addNewPodIP().withIp(ip).endPodIP()
        .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(NOW).endCondition()
        .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(NOW).endCondition()
        .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime(NOW).endCondition()
        .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(NOW).endCondition()
        .withContainerStatuses(statuses).build();
  }

  private static io.fabric8.kubernetes.api.model.OwnerReference controller(io.fabric8.kubernetes.api.model.HasMetadata
      owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build();
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(300);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long secondsSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  /** Prints a figure and appends it to target/informer-heap-benchmark.txt at once. */
  private static void figure(String format, Object... args) {
    String line = String.format(format, args);
    System.out.print(line);
    try {
      Files.writeString(Path.of("target", "informer-heap-benchmark.txt"), line,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      System.out.println("(could not append the figure: " + e + ")");
    }
  }
}
