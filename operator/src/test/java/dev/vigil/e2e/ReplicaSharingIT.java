package dev.vigil.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.operator.membership.MemberLeases;
import dev.vigil.operator.membership.Rendezvous;
import dev.vigil.scan.ReportStatusBuilder;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.OperatorProcess;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TcpProxy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Three operator jars as processes, as the ServiceAccount with the rendered config/default RBAC,
 * sharing the scanning of one namespace's images. The one with the largest share is killed with
 * SIGKILL while every scan hangs at the registry: its member Lease expires, the two left take its
 * share over, and every report is written once, by one replica, from one scan.
 */
class ReplicaSharingIT {

  private static final Duration START = Duration.ofSeconds(180);
  private static final Pattern IDENTITY = Pattern.compile("leader election on, identity ([^,\\s]+)");
  private static final int IMAGES = 9;

  @Test
  void aKilledReplicasShareIsFinishedByTheOthersAndEveryReportIsWrittenOnce() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    KubernetesClient admin = api.admin();
    String opNs = api.createNamespace("jar-shards-op");
    String ns = api.createNamespace("jar-shards");
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    // Every status.scan.time each report ever showed: one scan written once gives one value.
    Map<String, Set<String>> scanTimes = new ConcurrentHashMap<>();
    List<OperatorProcess> replicas = new ArrayList<>();
    try (LocalRegistry registry = LocalRegistry.builder().accessLog().start();
        TcpProxy slowRegistry = TcpProxy.to(registry.port());
        Watch watch = admin.resources(ImageReport.class).inNamespace(ns).watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, ImageReport report) {
            if (report.getStatus() != null && report.getStatus().scan != null && report.getStatus().scan.time != null) {
              scanTimes.computeIfAbsent(report.getMetadata().getName(), k -> ConcurrentHashMap.newKeySet())
                  .add(report.getStatus().scan.time);
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      List<PushedImage> images = new ArrayList<>();
      for (int i = 0; i < IMAGES; i++) {
        images.add(registry.pusher().push("jar/app" + i, "1.0", SampleImages.ubuntuWithCurl("7.81.0-1ubuntu1.10", "app " + i)));
      }
      int pushRequests = registry.requests().size();

      for (int i = 0; i < 3; i++) {
        replicas.add(OperatorProcess.start(install.kubeconfig(), Map.of(), "--namespace", opNs, "--vulndb", "none",
            "--data-dir", Files.createTempDirectory("vigil-data").toString(), "--leader-election"));
      }
      Map<String, OperatorProcess> byIdentity = new TreeMap<>();
      for (OperatorProcess p : replicas) {
        Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(250))
            .failFast("operator exited:\n" + p.log(), () -> !p.process().isAlive())
            .until(() -> p.status("/readyz") == 200);
        byIdentity.put(identity(p), p);
      }
      // Every replica sees all three before any work exists, so each image has one owner throughout.
      for (OperatorProcess p : replicas) {
        Awaitility.await().atMost(START).until(() -> p.log().contains("members now " + byIdentity.keySet()));
      }

      ScanSchedule schedule = new ScanSchedule();
      schedule.setMetadata(new ObjectMetaBuilder().withName("hourly").withNamespace(ns).build());
      schedule.setSpec(new ScanScheduleSpec());
      schedule.getSpec().interval = "1h";
      admin.resource(schedule).create();
      slowRegistry.pause();
      Map<String, List<Integer>> shares = new TreeMap<>();
      for (int i = 0; i < IMAGES; i++) {
        // The pod names the image through the proxy: the registry sees the same paths.
        String image = "127.0.0.1:" + slowRegistry.port() + "/jar/app" + i + "@" + images.get(i).digest();
        admin.pods().inNamespace(ns).resource(new PodBuilder()
            .withNewMetadata().withName("app" + i).endMetadata()
            .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec()
            .build()).create();
        shares.computeIfAbsent(Rendezvous.owner(images.get(i).digest(), byIdentity.keySet()), k -> new ArrayList<>())
            .add(i);
      }
      String victimId = shares.entrySet().stream().max((a, b) -> a.getValue().size() - b.getValue().size())
          .orElseThrow().getKey();
      OperatorProcess victim = byIdentity.get(victimId);
      // Every owner has its scans hanging at the registry.
      Awaitility.await().atMost(START).until(() -> slowRegistry.connections() >= shares.size());

      victim.process().destroyForcibly();
      victim.process().waitFor();
      long killed = System.nanoTime();
      slowRegistry.resume();

      Awaitility.await().atMost(START).until(() -> scanned(admin, ns) == IMAGES);
      // A figure for the docs, not an assertion: the takeover waits for the Lease to expire (15 s).
      System.out.printf("shares %s; victim owned %d of %d images; all reports complete %d s after the SIGKILL%n",
          shares.values().stream().map(List::size).toList(), shares.get(victimId).size(), IMAGES,
          Duration.ofNanos(System.nanoTime() - killed).toSeconds());
      Set<String> survivors = new TreeSet<>(byIdentity.keySet());
      survivors.remove(victimId);
      for (String id : survivors) {
        OperatorProcess p = byIdentity.get(id);
        assertTrue(p.process().isAlive(), p.log());
        assertTrue(p.log().contains("members now " + survivors), "saw the victim leave:\n" + p.log());
      }

      // The survivors pulled their own images once; the victim's were pulled once by a survivor
      // (plus whatever the victim had got before it died).
      Map<String, Long> gets = registry.requests().subList(pushRequests, registry.requests().size()).stream()
          .filter(r -> r.startsWith("GET ") && r.contains("/manifests/"))
          .collect(Collectors.groupingBy(r -> r.split(" ")[1], TreeMap::new, Collectors.counting()));
      for (int i = 0; i < IMAGES; i++) {
        long n = gets.getOrDefault("/v2/jar/app" + i + "/manifests/" + images.get(i).digest(), 0L);
        if (shares.get(victimId).contains(i)) {
          assertTrue(n >= 1 && n <= 2, "app" + i + " (the victim's) pulled " + n + " times: " + gets);
        } else {
          assertEquals(1, n, "app" + i + " pulled " + n + " times: " + gets);
        }
      }
      // Reports stable: nothing written again once complete.
      Map<String, String> versions = versions(admin, ns);
      Awaitility.await().during(Duration.ofSeconds(10)).atMost(START).until(() -> versions(admin, ns).equals(versions));
      assertEquals(IMAGES, scanTimes.size(), scanTimes.toString());
      scanTimes.forEach((report, times) -> assertEquals(1, times.size(), report + " written from several scans: " + times));
      // The killed replica's member Lease is left behind until abandoned; the others' are live.
      List<Lease> leases = admin.resources(Lease.class).inNamespace(opNs).withLabel(MemberLeases.LABEL, "true")
          .list().getItems();
      assertTrue(leases.size() >= 2, leases.toString());
    } finally {
      for (OperatorProcess p : replicas) {
        if (p.process().isAlive()) {
          Integer code = p.terminate(Duration.ofSeconds(60));
          assertEquals(0, code, p.log());
        }
        p.close();
      }
    }
  }

  private static long scanned(KubernetesClient admin, String ns) {
    return admin.resources(ImageReport.class).inNamespace(ns).list().getItems().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().image != null && r.getStatus().image.digest != null
            && Conditions.isTrue(r.getStatus(), ReportStatusBuilder.CONDITION_SCANNED))
        .count();
  }

  private static Map<String, String> versions(KubernetesClient admin, String ns) {
    return admin.resources(ImageReport.class).inNamespace(ns).list().getItems().stream()
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r.getMetadata().getResourceVersion(),
            (a, b) -> a, TreeMap::new));
  }

  private static String identity(OperatorProcess operator) {
    Awaitility.await().atMost(START).until(() -> IDENTITY.matcher(operator.log()).find());
    Matcher m = IDENTITY.matcher(operator.log());
    assertTrue(m.find());
    return m.group(1);
  }
}
