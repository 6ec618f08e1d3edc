package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A reconcile that finds nothing new writes nothing: status is patched only when it changed. */
class ReconcilerNoChurnTest {

  static KubeApi api;
  static KubernetesClient admin;
  static ClusterFixture cluster;
  static String opNs;
  static String team;
  static OperatorInstall install;

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  @BeforeAll
  static void setUp() {
    api = KubeApi.shared().withCrds();
    admin = api.admin();
    cluster = new ClusterFixture(api);
    opNs = cluster.namespace("vigil-no-churn", Map.of());
    team = cluster.namespace("team", Map.of());
    install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
  }

  @Test
  void reconcilingAgainAfterARestartRewritesNoStatus() throws Exception {
    cluster.deployment(team, "web", ClusterFixture.podSpec("web", "nginx:1.27", null));
    admin.resource(ClusterFixture.policy(team, "p")).create();
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("nightly").withNamespace(opNs).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().schedule = "0 3 * * *";
    admin.resource(schedule).create();

    RunningOperator operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings("none", Set.of(opNs, team))).start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> ready(policy()) && ready(schedule()));
      String policyVersion = policy().getMetadata().getResourceVersion();
      String scheduleVersion = schedule().getMetadata().getResourceVersion();

      // A new operator reconciles every resource once at start, with the same result.
      operator = operator.restart();
      RunningOperator restarted = operator;
      await().atMost(Duration.ofSeconds(60)).until(() ->
          reconciledAll(restarted, ImagePolicy.class) && reconciledAll(restarted, ScanSchedule.class));
      Thread.sleep(1000);
      assertEquals(policyVersion, policy().getMetadata().getResourceVersion(), "the policy's status was not rewritten");
      assertEquals(scheduleVersion, schedule().getMetadata().getResourceVersion(),
          "the schedule's status was not rewritten");
    } finally {
      operator.close();
    }
  }

  @Test
  void secondPolicyReconcileWithNothingChangedWritesNoStatus() {
    OperatorSettings settings = new OperatorSettings(opNs, Duration.ofMinutes(1), Duration.ofMinutes(10), clock);
    try (KubernetesClient client = install.client();
        WorkloadIndex workloads = new WorkloadIndex(client, Set.of(team))) {
      EventRecorder events = new EventRecorder(client, clock, Duration.ofMinutes(10));
      workloads.startAndAwaitSync(Duration.ofSeconds(60));
      ImagePolicyReconciler reconciler = new ImagePolicyReconciler(client,
          new PolicyScope(workloads, opNs), events, settings);
      ImagePolicy policy = new ImagePolicy();
      policy.setMetadata(new ObjectMetaBuilder().withName("direct").withNamespace(team).withGeneration(1L).build());
      policy.setSpec(new ImagePolicySpec());

      UpdateControl<ImagePolicy> first = reconciler.reconcile(policy, null);
      assertTrue(first.isPatchStatus());
      UpdateControl<ImagePolicy> second = reconciler.reconcile(first.getResource().orElseThrow(), null);
      assertFalse(second.isPatchStatus(), "same result, no write");
    }
  }

  @Test
  void secondScheduleReconcileBeforeTheNextRunWritesNoStatus() {
    OperatorSettings settings = new OperatorSettings(opNs, Duration.ofMinutes(1), Duration.ofMinutes(10), clock);
    try (KubernetesClient client = install.client()) {
      EventRecorder events = new EventRecorder(client, clock, Duration.ofMinutes(10));
      ScanScheduleReconciler reconciler = new ScanScheduleReconciler(events, settings,
          s -> { throw new AssertionError("no run is due before 12:00"); });
      ScanSchedule schedule = new ScanSchedule();
      schedule.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace(opNs).withUid("9d1f6c2e")
          .withGeneration(1L).withCreationTimestamp("2026-11-22T09:59:00Z").build());
      schedule.setSpec(new ScanScheduleSpec());
      schedule.getSpec().schedule = "0 */6 * * *";

      UpdateControl<ScanSchedule> first = reconciler.reconcile(schedule, null);
      assertTrue(first.isPatchStatus());
      assertTrue(first.getScheduleDelay().isPresent(), "requeued for the next run");
      UpdateControl<ScanSchedule> second = reconciler.reconcile(first.getResource().orElseThrow(), null);
      assertFalse(second.isPatchStatus(), "same result, no write");
      assertTrue(second.getScheduleDelay().isPresent());
    }
  }

  private static ImagePolicy policy() {
    return admin.resources(ImagePolicy.class).inNamespace(team).withName("p").get();
  }

  private static ScanSchedule schedule() {
    return admin.resources(ScanSchedule.class).inNamespace(opNs).withName("nightly").get();
  }

  private static boolean ready(HasMetadata resource) {
    Object status = resource instanceof ImagePolicy p ? p.getStatus() : ((ScanSchedule) resource).getStatus();
    return status != null && Conditions.isTrue((dev.vigil.api.VigilStatus) status, Conditions.READY);
  }

  /**
   * Whether the operator has reconciled every resource of the kind once: at start JOSDK reconciles
   * each, and other test classes' resources share the server.
   */
  private static boolean reconciledAll(RunningOperator operator, Class<? extends HasMetadata> kind) throws Exception {
    int all = admin.resources(kind).inAnyNamespace().list().getItems().size();
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String prefix = "operator_sdk_reconciliations_success_total{";
    double done = body.lines().filter(l -> l.startsWith(prefix) && l.contains("kind=\"" + kind.getSimpleName() + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    return done >= all;
  }
}
