package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.testsupport.Conflicts;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.RunningOperator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ScanSchedule controller on a real API server, as the read-only install's ServiceAccount. */
class ScanScheduleReconcilerTest {

  static KubernetesClient client;
  static RunningOperator operator;
  static String opNs;

  @BeforeAll
  static void startOperator() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    client = api.admin();
    opNs = new ClusterFixture(api).namespace("vigil-schedules", Map.of());
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    operator = RunningOperator.in(install)
        .minScanInterval(Duration.ofSeconds(1))
        .scan(RunningOperator.scanSettings("none", Set.of(opNs)))
        .start();
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void intervalScheduleRecordsRunsAndRequeuesItselfForTheNextOne() {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.interval = "2s";
    create("every-2s", spec);
    Instant created = Instant.parse(get("every-2s").getMetadata().getCreationTimestamp());

    await().atMost(Duration.ofSeconds(15)).until(() -> {
      ScanSchedule s = get("every-2s");
      return s.getStatus() != null && s.getStatus().lastScheduleTime != null
          && Instant.parse(s.getStatus().lastScheduleTime).isAfter(created.plusSeconds(3));
    });
    ScanSchedule s = get("every-2s");
    Instant last = Instant.parse(s.getStatus().lastScheduleTime);
    assertEquals(0, Duration.between(created, last).getSeconds() % 2, "runs fall on the interval grid");
    assertEquals(last.plusSeconds(2), Instant.parse(s.getStatus().nextScheduleTime));
    assertEquals(ScanScheduleReconciler.REASON_SCHEDULED, ready(s).getReason());
  }

  @Test
  void cronScheduleInATimeZoneComputesTheNextRunThere() {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.schedule = "30 3 * * *";
    spec.timeZone = "America/New_York";
    create("nightly", spec);
    ScanSchedule s = awaitReadyStatus("nightly", "True");
    ZonedDateTime next = Instant.parse(s.getStatus().nextScheduleTime).atZone(ZoneId.of("America/New_York"));
    assertEquals(3, next.getHour());
    assertEquals(30, next.getMinute());
    assertTrue(next.toInstant().isAfter(Instant.now()));
    assertTrue(next.toInstant().isBefore(Instant.now().plus(25, ChronoUnit.HOURS)));
    assertNull(s.getStatus().lastScheduleTime, "no run is due yet");
  }

  @Test
  void invalidCronIsReportedThenFixedBySpecChange() {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.schedule = "61 * * * *";
    create("bad-cron", spec);
    ScanSchedule s = awaitReadyStatus("bad-cron", "False");
    Condition ready = ready(s);
    assertEquals(ScanScheduleReconciler.REASON_INVALID_SPEC, ready.getReason());
    assertTrue(ready.getMessage().startsWith("spec.schedule: '61 * * * *' is not a valid cron expression"),
        ready.getMessage());
    assertNull(s.getStatus().nextScheduleTime);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(opNs)
        .list().getItems().stream().anyMatch(e -> "bad-cron".equals(e.getInvolvedObject().getName())
            && "InvalidSpec".equals(e.getReason()) && "Warning".equals(e.getType())));

    Conflicts.retry(() -> client.resources(ScanSchedule.class).inNamespace(opNs).withName("bad-cron").edit(x -> {
      x.getSpec().schedule = "0 */6 * * *";
      return x;
    }));
    s = awaitReadyStatus("bad-cron", "True");
    Instant next = Instant.parse(s.getStatus().nextScheduleTime);
    assertEquals(0, next.atZone(ZoneId.of("UTC")).getHour() % 6);
    assertEquals(0, next.atZone(ZoneId.of("UTC")).getMinute());
  }

  @Test
  void intervalBelowTheMinimumIsInvalid() {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.interval = "500ms";
    create("too-fast", spec);
    Condition ready = ready(awaitReadyStatus("too-fast", "False"));
    assertEquals("spec.interval: '500ms' must be whole seconds", ready.getMessage());
  }

  @Test
  void suspendedScheduleHasNoNextRunAndRecordsNone() throws Exception {
    ScanScheduleSpec spec = new ScanScheduleSpec();
    spec.interval = "1s";
    spec.suspend = true;
    create("paused", spec);
    ScanSchedule s = awaitReadyStatus("paused", "True");
    assertEquals(ScanScheduleReconciler.REASON_SUSPENDED, ready(s).getReason());
    assertNull(s.getStatus().nextScheduleTime);
    Thread.sleep(2500);
    assertNull(get("paused").getStatus().lastScheduleTime, "a suspended schedule records no run");

    Conflicts.retry(() -> client.resources(ScanSchedule.class).inNamespace(opNs).withName("paused").edit(x -> {
      x.getSpec().suspend = false;
      return x;
    }));
    await().atMost(Duration.ofSeconds(10)).until(() -> get("paused").getStatus().nextScheduleTime != null);
    assertNotNull(get("paused").getStatus().nextScheduleTime);
  }

  private static void create(String name, ScanScheduleSpec spec) {
    ScanSchedule s = new ScanSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(opNs).build());
    s.setSpec(spec);
    client.resource(s).create();
  }

  private static ScanSchedule awaitReadyStatus(String name, String status) {
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      ScanSchedule s = get(name);
      return s.getStatus() != null
          && Conditions.find(s.getStatus(), Conditions.READY).map(c -> status.equals(c.getStatus())).orElse(false)
          && s.getMetadata().getGeneration().equals(s.getStatus().observedGeneration);
    });
    return get(name);
  }

  private static Condition ready(ScanSchedule s) {
    return Conditions.find(s.getStatus(), Conditions.READY).orElseThrow();
  }

  private static ScanSchedule get(String name) {
    return client.resources(ScanSchedule.class).inNamespace(opNs).withName(name).get();
  }
}
