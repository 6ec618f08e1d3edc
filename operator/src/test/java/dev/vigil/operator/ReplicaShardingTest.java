package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.operator.membership.Rendezvous;
import dev.vigil.scan.ReportStatusBuilder;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Three operator replicas in this JVM, each as the ServiceAccount with the shipped RBAC, on the
 * real API server and the test registry: they split the images so that every digest is pulled
 * by one replica only, the reports are complete, and a replica leaving changes nothing that was
 * done while the others pick up new work.
 */
class ReplicaShardingTest {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int IMAGES = 12;

  @Test
  void threeReplicasPullEveryDigestOnceAndWriteEveryReportOnce() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    KubernetesClient admin = api.admin();
    String opNs = api.createNamespace("shards-op");
    String ns = api.createNamespace("shards");
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    try (LocalRegistry registry = LocalRegistry.builder().accessLog().start()) {
      List<PushedImage> images = new ArrayList<>();
      for (int i = 0; i < IMAGES + 3; i++) {
        // An OS each: a report names its OS, so its inputs can be checked without the image.
        images.add(registry.pusher().push("shard/app" + i, "1.0",
            SampleImages.ubuntuWithCurl("7.81.0-1ubuntu1.10", "app " + i)));
      }
      int pushRequests = registry.requests().size();

      List<RunningOperator> replicas = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          replicas.add(RunningOperator.in(install).asReplica().start());
        }
        Awaitility.await().atMost(WAIT).until(() -> replicas.stream().allMatch(r -> r.operator().members().size() == 3));
        Set<String> members = replicas.get(0).operator().members();

        ScanSchedule schedule = new ScanSchedule();
        schedule.setMetadata(new ObjectMetaBuilder().withName("hourly").withNamespace(ns).build());
        schedule.setSpec(new ScanScheduleSpec());
        schedule.getSpec().interval = "1h";
        admin.resource(schedule).create();
        for (int i = 0; i < IMAGES; i++) {
          pod(admin, ns, "app" + i, images.get(i));
        }
        Awaitility.await().atMost(WAIT).until(() -> scannedReports(admin, ns).size() == IMAGES);

        // Every image was read by exactly one replica: each manifest and blob fetched once.
        Map<String, Long> gets = registry.requests().subList(pushRequests, registry.requests().size()).stream()
            .filter(r -> r.startsWith("GET "))
            .collect(Collectors.groupingBy(r -> r.split(" ")[1], TreeMap::new, Collectors.counting()));
        for (int i = 0; i < IMAGES; i++) {
          PushedImage image = images.get(i);
          String repo = "/v2/shard/app" + i;
          assertEquals(1L, gets.getOrDefault(repo + "/manifests/" + image.digest(), 0L), "manifest of app" + i + ": " + gets);
          assertEquals(1L, gets.getOrDefault(repo + "/blobs/" + image.configDigest(), 0L), "config of app" + i + ": " + gets);
          // Shared base layers come from the owner's layer cache after its first image.
          for (String layer : image.layerDigests()) {
            assertTrue(gets.getOrDefault(repo + "/blobs/" + layer, 0L) <= 1, "layer of app" + i + ": " + gets);
          }
        }
        // ... and by its owner: each replica's registry requests match the share rendezvous gives it.
        Map<String, Long> expectedShare = new TreeMap<>();
        for (int i = 0; i < IMAGES; i++) {
          expectedShare.merge(Rendezvous.owner(images.get(i).digest(), members), 1L, Long::sum);
        }
        for (RunningOperator r : replicas) {
          long share = expectedShare.getOrDefault(r.operator().identity(), 0L);
          assertEquals(share > 0, registryRequests(r) > 0,
              r.operator().identity() + " owns " + share + " image(s), made " + registryRequests(r) + " request(s)");
        }
        assertTrue(expectedShare.size() >= 2, "the work is shared: " + expectedShare);
        System.out.printf("replica shares (images): %s; registry requests per replica: %s; registry GETs in all: %d%n",
            expectedShare.values(), replicas.stream().map(ReplicaShardingTest::registryRequests).toList(),
            gets.values().stream().mapToLong(Long::longValue).sum());
        // Each report's series come from one replica, so sums over the pods count it once.
        Awaitility.await().atMost(WAIT).until(() -> exportedOnce(replicas, ns, 0, IMAGES));

        // Stable: once written, nothing is written again by anyone.
        Map<String, String> versions = versions(admin, ns);
        List<String> afterScan = List.copyOf(registry.requests());
        Awaitility.await().during(Duration.ofSeconds(5)).atMost(WAIT)
            .until(() -> versions(admin, ns).equals(versions));

        // A replica leaves (a clean stop hands its share over at once): the others re-check the
        // images that became theirs; the reports are up to date, so nothing is pulled or written.
        RunningOperator leaving = replicas.remove(2);
        leaving.close();
        Awaitility.await().atMost(WAIT).until(() -> replicas.stream().allMatch(r -> r.operator().members().size() == 2));
        Awaitility.await().during(Duration.ofSeconds(5)).atMost(WAIT)
            .until(() -> versions(admin, ns).equals(versions));
        // (A re-check HEADs a pinned reference's manifest, as on one replica; it pulls nothing.)
        List<String> pulledSince = registry.requests().subList(afterScan.size(), registry.requests().size()).stream()
            .filter(r -> r.startsWith("GET ")).toList();
        assertEquals(List.of(), pulledSince, "nothing pulled again after the member change");

        // New work after the change is done by the two left, each image once.
        for (int i = IMAGES; i < IMAGES + 3; i++) {
          pod(admin, ns, "app" + i, images.get(i));
        }
        Awaitility.await().atMost(WAIT).until(() -> scannedReports(admin, ns).size() == IMAGES + 3);
        for (int i = IMAGES; i < IMAGES + 3; i++) {
          String manifest = "GET /v2/shard/app" + i + "/manifests/" + images.get(i).digest() + " 200";
          assertEquals(1, registry.requests().stream().filter(manifest::equals).count(), manifest);
        }

        Awaitility.await().atMost(WAIT).until(() -> exportedOnce(replicas, ns, 0, IMAGES + 3));

        // A replica joins: it takes its share over from the reports (nothing pulled), and the
        // replicas that gave images up stop exporting their series.
        List<String> beforeJoin = List.copyOf(registry.requests());
        replicas.add(RunningOperator.in(install).asReplica().start());
        Awaitility.await().atMost(WAIT).until(() -> replicas.stream().allMatch(r -> r.operator().members().size() == 3));
        RunningOperator joined = replicas.get(2);
        long joinedShare = 0;
        for (int i = 0; i < IMAGES + 3; i++) {
          joinedShare += joined.operator().identity().equals(
              Rendezvous.owner(images.get(i).digest(), joined.operator().members())) ? 1 : 0;
        }
        long share = joinedShare;
        Awaitility.await().atMost(WAIT).until(() -> exportedOnce(replicas, ns, 0, IMAGES + 3)
            && exports(joined, ns, IMAGES + 3) == share);
        assertEquals(List.of(), registry.requests().subList(beforeJoin.size(), registry.requests().size()).stream()
            .filter(r -> r.startsWith("GET ")).toList(), "a joining replica pulls nothing already reported");

        // Report clean-up is the leader's alone; it happens whoever scanned the image, and every
        // replica drops the deleted report's series.
        admin.pods().inNamespace(ns).withName("app0").delete();
        Awaitility.await().atMost(WAIT).until(() ->
            admin.resources(ImageReport.class).inNamespace(ns).withName("pod-app0-app").get() == null);
        Awaitility.await().atMost(WAIT).until(() -> replicas.stream().allMatch(r -> !exportsWorkload(r, ns, "app0")));
      } finally {
        for (RunningOperator r : replicas) {
          r.close();
        }
      }
    }
  }

  @Test
  void aScheduledRunReResolvesTagsOnTheReplicaThatOwnsThemNotOnlyOnTheLeader() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    KubernetesClient admin = api.admin();
    String opNs = api.createNamespace("shards-run-op");
    String ns = api.createNamespace("shards-run");
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    List<RunningOperator> replicas = new ArrayList<>();
    try (LocalRegistry registry = LocalRegistry.start()) {
      for (int i = 0; i < 2; i++) {
        replicas.add(RunningOperator.in(install).asReplica().start());
      }
      Awaitility.await().atMost(WAIT).until(() -> replicas.stream().allMatch(r -> r.operator().members().size() == 2)
          && replicas.stream().anyMatch(r -> r.operator().lifecycle().isLeading()));
      RunningOperator follower = replicas.stream().filter(r -> !r.operator().lifecycle().isLeading()).findFirst()
          .orElseThrow();
      Set<String> members = follower.operator().members();
      // A tag (no digest anywhere): its owner is picked by the reference; take one the follower owns.
      String reference = null;
      for (int i = 0; reference == null; i++) {
        String candidate = registry.host() + "/moving/app" + i + ":1.0";
        if (follower.operator().identity().equals(Rendezvous.owner(candidate, members))) {
          reference = candidate;
        }
      }
      String repository = reference.substring(registry.host().length() + 1, reference.lastIndexOf(':'));
      PushedImage first = registry.pusher().push(repository, "1.0", SampleImages.ubuntuWithCurl("7.81.0-1ubuntu1.10", "v1"));
      admin.resource(ClusterFixture.scheduleEvery2s(ns, null)).create();
      String image = reference;
      admin.pods().inNamespace(ns).resource(new PodBuilder()
          .withNewMetadata().withName("moving").endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().build()).create();
      Awaitility.await().atMost(WAIT).until(() -> digestOf(admin, ns, "pod-moving-app").equals(first.digest()));

      // The tag moves; no workload event says so. Only a scheduled run, which the leader starts
      // and the follower (the tag's owner) joins from the recorded lastScheduleTime, notices.
      PushedImage second = registry.pusher().push(repository, "1.0", SampleImages.ubuntuWithCurl("7.81.0-1ubuntu1.10", "v2"));
      Awaitility.await().atMost(WAIT).until(() -> digestOf(admin, ns, "pod-moving-app").equals(second.digest()));
    } finally {
      for (RunningOperator r : replicas) {
        r.close();
      }
    }
  }

  private static String digestOf(KubernetesClient admin, String ns, String report) {
    ImageReport r = admin.resources(ImageReport.class).inNamespace(ns).withName(report).get();
    return r == null || r.getStatus() == null || r.getStatus().image == null || r.getStatus().image.digest == null
        ? "" : r.getStatus().image.digest;
  }

  private static void pod(KubernetesClient admin, String ns, String name, PushedImage image) {
    admin.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(image.byDigest().toString()).endContainer()
        .endSpec().build()).create();
  }

  private static List<ImageReport> scannedReports(KubernetesClient admin, String ns) {
    return admin.resources(ImageReport.class).inNamespace(ns).list().getItems().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().image != null && r.getStatus().image.digest != null
            && Conditions.isTrue(r.getStatus(), ReportStatusBuilder.CONDITION_SCANNED))
        .toList();
  }

  private static Map<String, String> versions(KubernetesClient admin, String ns) {
    return admin.resources(ImageReport.class).inNamespace(ns).list().getItems().stream()
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r.getMetadata().getResourceVersion(),
            (a, b) -> a, TreeMap::new));
  }

  /** True when each of the pods app{from}..app{to-1} has its report's series on exactly one replica. */
  private static boolean exportedOnce(List<RunningOperator> replicas, String ns, int from, int to) {
    for (int i = from; i < to; i++) {
      String workload = "app" + i;
      if (replicas.stream().filter(r -> exportsWorkload(r, ns, workload)).count() != 1) {
        return false;
      }
    }
    return true;
  }

  private static long exports(RunningOperator r, String ns, int images) {
    long n = 0;
    for (int i = 0; i < images; i++) {
      n += exportsWorkload(r, ns, "app" + i) ? 1 : 0;
    }
    return n;
  }

  private static boolean exportsWorkload(RunningOperator r, String ns, String workload) {
    return !r.operator().registry().find("vigil.image.findings").tag("namespace", ns).tag("workload", workload)
        .gauges().isEmpty();
  }

  private static long registryRequests(RunningOperator r) {
    return (long) r.operator().registry().find("vigil.registry.requests").counters().stream()
        .mapToDouble(Counter::count).sum();
  }
}
