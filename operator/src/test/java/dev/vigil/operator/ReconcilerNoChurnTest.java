package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A reconcile that finds nothing new writes nothing: status is patched only when it changed. */
@EnableKubernetesMockClient(crud = true)
class ReconcilerNoChurnTest {

  static KubernetesClient client;

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  private final OperatorSettings settings =
      new OperatorSettings("vigil-system", Duration.ofMinutes(1), Duration.ofMinutes(10), clock);

  @Test
  void secondPolicyReconcileWithNothingChangedWritesNoStatus() {
    EventRecorder events = new EventRecorder(client, clock, Duration.ofMinutes(10));
    try (WorkloadIndex workloads = new WorkloadIndex(client)) {
      workloads.startAndAwaitSync(Duration.ofSeconds(30));
      ImagePolicyReconciler reconciler = new ImagePolicyReconciler(client,
          new PolicyScope(workloads, "vigil-system"), events, settings);
      ImagePolicy policy = new ImagePolicy();
      policy.setMetadata(new ObjectMetaBuilder().withName("p").withNamespace("team").withGeneration(1L).build());
      policy.setSpec(new ImagePolicySpec());

      UpdateControl<ImagePolicy> first = reconciler.reconcile(policy, null);
      assertTrue(first.isPatchStatus());
      UpdateControl<ImagePolicy> second = reconciler.reconcile(first.getResource().orElseThrow(), null);
      assertFalse(second.isPatchStatus(), "same result, no write");
    }
  }

  @Test
  void secondScheduleReconcileBeforeTheNextRunWritesNoStatus() {
    EventRecorder events = new EventRecorder(client, clock, Duration.ofMinutes(10));
    ScanScheduleReconciler reconciler = new ScanScheduleReconciler(events, settings,
        s -> { throw new AssertionError("no run is due before 12:00"); });
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("vigil-system").withUid("9d1f6c2e")
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
