package dev.vigil.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.operator.StopReason;
import dev.vigil.operator.VigilOperator;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.OperatorProcess;
import dev.vigil.testsupport.TcpProxy;
import dev.vigil.testsupport.TestImages;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as a process, as its ServiceAccount with the rendered config/default RBAC, on a
 * real API server: every way it can stop ends in an exit with the documented code, never a hang.
 * The bounds are generous (a loaded machine); they only separate "exits" from "hangs".
 */
class OperatorLifecycleIT {

  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration EXIT = Duration.ofSeconds(60);
  private static final Pattern IDENTITY = Pattern.compile("leader election on, identity ([^,\\s]+)");

  @Test
  void exitsZeroOnSigtermWithoutLeaderElection() throws Exception {
    Setup s = setup("jar-start");
    try (OperatorProcess operator = s.start("--no-leader-election")) {
      awaitReady(operator);
      assertEquals(200, operator.status("/healthz"));
      assertEquals(0, exitCode(operator, true));
      assertTrue(operator.log().contains("exiting with code 0 (stop requested)"), operator.log());
    }
  }

  @Test
  void exitsZeroOnSigtermWithLeaderElectionAndHandsTheLeaseOver() throws Exception {
    Setup s = setup("jar-sigterm-le");
    try (OperatorProcess operator = s.start("--leader-election")) {
      awaitReady(operator);
      String identity = identity(operator);
      awaitHolder(s, identity);
      assertEquals(0, exitCode(operator, true));
      assertNull(lease(s).getSpec().getHolderIdentity(), "handed over:\n" + operator.log());
    }
  }

  @Test
  void exitsWithTheLostLeaseCodeWhenAnotherHolderTakesTheLease() throws Exception {
    Setup s = setup("jar-lease-lost");
    try (OperatorProcess operator = s.start("--leader-election")) {
      awaitReady(operator);
      awaitHolder(s, identity(operator));
      // Another holder takes the Lease and keeps renewing it, as a replica that took over would.
      ScheduledExecutorService intruder = Executors.newSingleThreadScheduledExecutor();
      try {
        intruder.scheduleWithFixedDelay(() -> takeLease(s, "intruder"), 0, 2, TimeUnit.SECONDS);
        assertEquals(StopReason.LOST_LEADERSHIP.exitCode(), exitCode(operator, false));
      } finally {
        intruder.shutdownNow();
      }
      assertTrue(operator.log().contains("stopping: lost the leader Lease"), operator.log());
      assertEquals("intruder", lease(s).getSpec().getHolderIdentity());
    }
  }

  @Test
  void exitsWithTheApiServerCodeWhenTheApiServerStaysUnreachable() throws Exception {
    Setup s = setup("jar-api-gone");
    try (TcpProxy proxy = TcpProxy.to(URI.create(s.api.masterUrl()).getPort());
        OperatorProcess operator = s.start(s.kubeconfigVia(proxy), "--no-leader-election",
            "--api-unreachable-timeout", "10s")) {
      awaitReady(operator);
      proxy.close();
      assertEquals(StopReason.API_UNREACHABLE.exitCode(), exitCode(operator, false));
      assertTrue(operator.log().contains("stopping: API server unreachable"), operator.log());
    }
  }

  @Test
  void aLeaderCutOffFromTheApiServerLosesTheLeaseAndExits() throws Exception {
    Setup s = setup("jar-api-gone-le");
    try (TcpProxy proxy = TcpProxy.to(URI.create(s.api.masterUrl()).getPort());
        OperatorProcess operator = s.start(s.kubeconfigVia(proxy), "--leader-election")) {
      awaitReady(operator);
      awaitHolder(s, identity(operator));
      proxy.close();
      // It cannot renew: the renew deadline (10 s) passes long before the API bound (60 s).
      assertEquals(StopReason.LOST_LEADERSHIP.exitCode(), exitCode(operator, false));
    }
  }

  @Test
  void onlyOneOfTwoReplicasLeadsAndTheOtherTakesOverWhenTheLeaderStops() throws Exception {
    Setup s = setup("jar-two");
    try (OperatorProcess first = s.start("--leader-election");
        OperatorProcess second = s.start("--leader-election")) {
      awaitReady(first);
      awaitReady(second);
      Map<String, OperatorProcess> byIdentity = Map.of(identity(first), first, identity(second), second);
      Awaitility.await().atMost(START).until(() -> byIdentity.containsKey(holder(s)));
      OperatorProcess leader = byIdentity.get(holder(s));
      OperatorProcess standby = leader == first ? second : first;
      Awaitility.await().atMost(START).until(() -> "1.0".equals(metric(leader, "vigil_leader")));
      assertEquals("0.0", metric(standby, "vigil_leader"), "the standby does no work");
      assertEquals(200, standby.status("/readyz"), "a standby is ready (a rolling update waits for it)");
      assertEquals(200, standby.status("/healthz"));
      awaitPolicyReconciled(s, "before-takeover");

      assertEquals(0, exitCode(leader, true));
      String standbyIdentity = identity(standby);
      // The Lease was handed over, so the standby takes it at its next retry; the bound only
      // tells a takeover from none.
      Awaitility.await().atMost(EXIT).failFast("standby exited:\n" + standby.log(), () -> !standby.process().isAlive())
          .until(() -> standbyIdentity.equals(holder(s)));
      Awaitility.await().atMost(EXIT).until(() -> "1.0".equals(metric(standby, "vigil_leader")));
      awaitPolicyReconciled(s, "after-takeover");
      assertEquals(0, exitCode(standby, true));
    }
  }

  @Test
  void sigtermLetsTheScanInFlightFinishBeforeTheExit() throws Exception {
    Setup s = setup("jar-drain");
    try (LocalRegistry registry = LocalRegistry.start();
        TcpProxy slowRegistry = TcpProxy.to(registry.port());
        OperatorProcess operator = s.start("--no-leader-election", "--shutdown-timeout", "50s")) {
      registry.pusher().push("drain/web", "1.0", TestImages.image().layer(l -> l.file("app/hello", "hi")).build());
      awaitReady(operator);
      ScanSchedule schedule = new ScanSchedule();
      schedule.setMetadata(new ObjectMetaBuilder().withName("hourly").withNamespace(s.ns).build());
      schedule.setSpec(new ScanScheduleSpec());
      schedule.getSpec().interval = "1h";
      schedule.getSpec().namespaceSelector = new LabelSelectorBuilder()
          .withMatchLabels(Map.of("kubernetes.io/metadata.name", s.ns)).build();
      s.api.admin().resource(schedule).create();
      // The registry answers nothing until resumed: the scan of the new pod hangs in flight.
      slowRegistry.pause();
      s.api.admin().pods().inNamespace(s.ns).resource(new PodBuilder()
          .withNewMetadata().withName("web").endMetadata()
          .withNewSpec().addNewContainer().withName("web").withImage("127.0.0.1:" + slowRegistry.port() + "/drain/web:1.0")
          .endContainer().endSpec().build()).create();
      Awaitility.await().atMost(START).until(() -> slowRegistry.connections() > 0);

      operator.process().destroy();
      Awaitility.await().atMost(EXIT).failFast("exited:\n" + operator.log(), () -> !operator.process().isAlive())
          .until(() -> operator.log().contains("letting 1 running scan/update task(s) finish"));
      assertEquals(503, operator.status("/healthz"), "stopping");
      slowRegistry.resume();

      assertEquals(0, exitCode(operator, false));
      ImageReport report = s.api.admin().resources(ImageReport.class).inNamespace(s.ns).withName("pod-web-web").get();
      assertTrue(report != null && report.getStatus() != null && report.getStatus().image != null
          && report.getStatus().image.digest != null, "the scan in flight wrote its report:\n" + operator.log());
    }
  }

  // ---------------------------------------------------------------------------------------

  private record Setup(KubeApi api, String ns, OperatorInstall install) {

    OperatorProcess start(String... args) throws Exception {
      return start(install.kubeconfig(), args);
    }

    OperatorProcess start(Path kubeconfig, String... args) throws Exception {
      List<String> all = new ArrayList<>(List.of("--namespace", ns, "--vulndb", "none",
          "--data-dir", Files.createTempDirectory("vigil-data").toString()));
      all.addAll(List.of(args));
      return OperatorProcess.start(kubeconfig, Map.of(), all.toArray(String[]::new));
    }

    /** The ServiceAccount's kubeconfig, pointed at the proxy instead of the API server. */
    Path kubeconfigVia(TcpProxy proxy) throws Exception {
      Path direct = install.kubeconfig();
      Path via = Files.createTempFile("vigil-via-proxy-", ".kubeconfig");
      Files.writeString(via, Files.readString(direct).replace(api.masterUrl(),
          "https://127.0.0.1:" + proxy.port() + "/"));
      via.toFile().deleteOnExit();
      return via;
    }
  }

  private static Setup setup(String prefix) {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace(prefix);
    return new Setup(api, ns, OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT));
  }

  private static void awaitReady(OperatorProcess operator) {
    Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(250))
        .failFast("operator exited:\n" + operator.log(), () -> !operator.process().isAlive())
        .until(() -> operator.status("/readyz") == 200);
  }

  /** SIGTERM (or not) and the exit code; on a hang, the thread dump and the log fail the test. */
  private static int exitCode(OperatorProcess operator, boolean sigterm) throws Exception {
    Integer code = sigterm ? operator.terminate(EXIT) : operator.waitFor(EXIT);
    if (code == null) {
      operator.threadDump();
      fail("no exit within " + EXIT.toSeconds() + " s:\n" + operator.log());
    }
    return code;
  }

  private static String identity(OperatorProcess operator) {
    Awaitility.await().atMost(START).until(() -> IDENTITY.matcher(operator.log()).find());
    Matcher m = IDENTITY.matcher(operator.log());
    assertTrue(m.find());
    return m.group(1);
  }

  private static Lease lease(Setup s) {
    return s.api.admin().resources(Lease.class).inNamespace(s.ns).withName(VigilOperator.LEASE_NAME).get();
  }

  private static String holder(Setup s) {
    Lease lease = lease(s);
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static void awaitHolder(Setup s, String identity) {
    Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(250)).until(() -> identity.equals(holder(s)));
  }

  private static void takeLease(Setup s, String holder) {
    try {
      s.api.admin().resources(Lease.class).inNamespace(s.ns).withName(VigilOperator.LEASE_NAME).edit(l -> {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        l.getSpec().setHolderIdentity(holder);
        l.getSpec().setRenewTime(now);
        l.getSpec().setLeaseDurationSeconds(15);
        return l;
      });
    } catch (RuntimeException e) {
      // a conflict with the operator's own renewal: the next round wins
    }
  }

  /** Creates an ImagePolicy and waits for whichever replica leads to reconcile it. */
  private static void awaitPolicyReconciled(Setup s, String name) {
    ImagePolicy policy = new ImagePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(s.ns).build());
    policy.setSpec(new ImagePolicySpec());
    s.api.admin().resource(policy).create();
    Awaitility.await().atMost(START).until(() -> {
      ImagePolicy p = s.api.admin().resources(ImagePolicy.class).inNamespace(s.ns).withName(name).get();
      return p.getStatus() != null && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration);
    });
  }

  private static String metric(OperatorProcess operator, String name) {
    var response = operator.get("/metrics");
    if (response == null) {
      return "unreachable";
    }
    return response.body().lines().filter(l -> l.startsWith(name + " "))
        .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse("absent");
  }
}
