package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.rollout.RolloutExecutor;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default install is read-only towards workloads ({@code config/default} without the rollout
 * component). Notify needs nothing more; a policy asking for Rollout is refused by the API server,
 * and the report and an event say why instead of the step failing unseen on every scan.
 */
class ReadOnlyInstallTest {

  static final String CURL_FIXED = "7.81.0-1ubuntu1.11";

  static KubernetesClient admin;
  static ClusterFixture cluster;
  static LocalRegistry registry;
  static RunningOperator operator;
  static String rollout;
  static String notify;
  static PushedImage rolloutRebuild;
  static PushedImage notifyRebuild;

  @BeforeAll
  static void setUp() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    admin = api.admin();
    cluster = new ClusterFixture(api);
    registry = LocalRegistry.start();
    String opNs = cluster.namespace("vigil-read-only", Map.of());
    rollout = cluster.namespace("rollout", Map.of("vigil.dev/scan", opNs));
    notify = cluster.namespace("notify", Map.of("vigil.dev/scan", opNs));
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);

    // Nightly: the steps here run on the operator's start, workload and policy events only.
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("nightly").withNamespace(opNs).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().schedule = "0 3 * * *";
    schedule.getSpec().namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("vigil.dev/scan", opNs)).build();
    admin.resource(schedule).create();
    rolloutRebuild = workloadWithRebuild(rollout, ImagePolicySpec.Updates.Mode.Rollout);
    notifyRebuild = workloadWithRebuild(notify, ImagePolicySpec.Updates.Mode.Notify);

    operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings(SampleImages.OSV.toString(), Set.of(rollout, notify)))
        .start()
        .expectForbidden("^403 PATCH /apis/apps/v1/namespaces/" + rollout + "/deployments/app\\?")
        .expectForbidden("deployments.apps \"app\" is forbidden: User \"system:serviceaccount:" + opNs + ":vigil\""
            + " cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"" + rollout + "\"");
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
  void rolloutWithoutTheRightsIsBlockedWithTheReasonAndAWarning() {
    ImageReportStatus.Update update = awaitState(rollout, State.Blocked);
    assertEquals("Blocked: Vigil may not patch Deployment " + rollout + "/app (add the config/rollout RBAC"
        + " component, or set updates.mode to Notify)", update.reason);
    assertEquals(rolloutRebuild.digest(), update.candidate.digest);
    assertEquals("False", Conditions.find(report(rollout).getStatus(), "UpToDate").orElseThrow().getStatus());
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.events(rollout, "app").stream()
        .anyMatch(e -> "UpdateBlocked".equals(e.getReason()) && "Warning".equals(e.getType())
            && e.getMessage().contains("may not patch")));
    assertUntouched(rollout);
    String refusedPatch = "403 PATCH /apis/apps/v1/namespaces/" + rollout + "/deployments/app?";
    assertTrue(operator.refusals(refusedPatch) > 0, "the API server, not the operator, said no: " + operator.forbidden());
    // Blocked waits for new facts (a scan, a push, a policy change); it is not retried on a timer
    // (a started rollout would be looked at again in 15 s). First the start-up's events settle.
    long[] seen = {-1};
    await().pollInterval(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(60)).until(() -> {
      long now = operator.refusals(refusedPatch);
      boolean settled = now == seen[0];
      seen[0] = now;
      return settled;
    });
    await().during(Duration.ofSeconds(17)).atMost(Duration.ofSeconds(25)).until(() ->
        operator.refusals(refusedPatch) == seen[0]);
  }

  @Test
  void notifyNeedsNoWriteAccessToWorkloads() {
    ImageReportStatus.Update update = awaitState(notify, State.Available);
    assertEquals(notifyRebuild.digest(), update.candidate.digest);
    assertTrue(update.reason.endsWith("(updates.mode is Notify)"), update.reason);
    assertUntouched(notify);
    assertFalse(operator.forbidden().stream().anyMatch(l -> l.contains(notify)), operator.forbidden().toString());
  }

  /** A running Deployment under a policy with these updates, and a signed-off rebuild of its tag. */
  private static PushedImage workloadWithRebuild(String ns, ImagePolicySpec.Updates.Mode mode) throws Exception {
    ImagePolicy policy = ClusterFixture.policy(ns, "updates");
    policy.getSpec().updates.mode = mode;
    policy.getSpec().updates.method = ImagePolicySpec.Updates.Method.PinDigest;
    policy.getSpec().updates.require.signature = false;
    admin.resource(policy).create();
    String repository = "team/" + ns;
    PushedImage running = registry.pusher().push(repository, "1.0", SampleImages.ubuntuWithCurl());
    cluster.deploymentWithPod(ns, "app",
        ClusterFixture.podSpec("app", registry.host() + "/" + repository + ":1.0", null),
        Map.of("app", ClusterFixture.imageId(registry.host() + "/" + repository, running.digest())));
    return registry.pusher().push(repository, "1.0", SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));
  }

  private static void assertUntouched(String ns) {
    Deployment d = admin.apps().deployments().inNamespace(ns).withName("app").get();
    assertEquals(1L, d.getMetadata().getGeneration());
    assertEquals(List.of(), ClusterFixture.managedBy(d, RolloutExecutor.FIELD_MANAGER));
  }

  private static ImageReport report(String ns) {
    return admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-app-app").get();
  }

  private static ImageReportStatus.Update awaitState(String ns, State state) {
    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      ImageReport r = report(ns);
      assertTrue(r != null && r.getStatus() != null && r.getStatus().update != null
          && r.getStatus().update.state == state, () -> "report update: " + (r == null || r.getStatus() == null
              || r.getStatus().update == null ? "none" : r.getStatus().update.state + " / " + r.getStatus().update.reason));
    });
    return report(ns).getStatus().update;
  }
}
