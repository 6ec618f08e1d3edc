package dev.vigil.workload.checks;

import static dev.vigil.workload.checks.TestWorkloads.cronJob;
import static dev.vigil.workload.checks.TestWorkloads.daemonSet;
import static dev.vigil.workload.checks.TestWorkloads.deployment;
import static dev.vigil.workload.checks.TestWorkloads.evidence;
import static dev.vigil.workload.checks.TestWorkloads.hardened;
import static dev.vigil.workload.checks.TestWorkloads.job;
import static dev.vigil.workload.checks.TestWorkloads.pod;
import static dev.vigil.workload.checks.TestWorkloads.podSpec;
import static dev.vigil.workload.checks.TestWorkloads.statefulSet;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VIG-WL-013 liveness and VIG-WL-014 readiness: asked only of containers meant to keep running. */
class ProbeChecksTest {

  private static final String LIVENESS = "VIG-WL-013";
  private static final String READINESS = "VIG-WL-014";

  private static Container unprobed(String name) {
    return hardened(name).withLivenessProbe(null).withReadinessProbe(null).build();
  }

  @Test
  void longRunningWorkloadsWithoutProbesFireBoth() {
    PodSpec spec = podSpec(unprobed("app")).build();
    for (Workload w : List.of(deployment(spec), statefulSet(spec), daemonSet(spec))) {
      assertEquals(
          List.of("spec.template.spec.containers[app].livenessProbe is not set"),
          evidence(LIVENESS, w, "app"),
          w.kind().name());
      assertEquals(
          List.of("spec.template.spec.containers[app].readinessProbe is not set"),
          evidence(READINESS, w, "app"),
          w.kind().name());
    }
  }

  @Test
  void eachProbeIsJudgedOnItsOwn() {
    Workload onlyLiveness =
        deployment(podSpec(hardened("app").withReadinessProbe(null).build()).build());
    assertEquals(List.of(), evidence(LIVENESS, onlyLiveness, "app"));
    assertEquals(
        List.of("spec.template.spec.containers[app].readinessProbe is not set"),
        evidence(READINESS, onlyLiveness, "app"));
    Workload onlyReadiness =
        deployment(podSpec(hardened("app").withLivenessProbe(null).build()).build());
    assertEquals(
        List.of("spec.template.spec.containers[app].livenessProbe is not set"),
        evidence(LIVENESS, onlyReadiness, "app"));
    assertEquals(List.of(), evidence(READINESS, onlyReadiness, "app"));
  }

  @Test
  void jobsAndCronJobsRunToCompletionAndNeedNoProbes() {
    PodSpec spec = podSpec(unprobed("task")).withRestartPolicy("OnFailure").build();
    for (Workload w : List.of(job(spec), cronJob(spec))) {
      assertEquals(List.of(), evidence(LIVENESS, w, "task"), w.kind().name());
      assertEquals(List.of(), evidence(READINESS, w, "task"), w.kind().name());
    }
  }

  @Test
  void barePodsNeedProbesOnlyWhenTheyRestartAlways() {
    Workload never = pod(podSpec(unprobed("app")).withRestartPolicy("Never").build());
    assertEquals(List.of(), evidence(LIVENESS, never, "app"));
    assertEquals(List.of(), evidence(READINESS, never, "app"));
    Workload always = pod(podSpec(unprobed("app")).withRestartPolicy("Always").build());
    assertEquals(
        List.of("spec.containers[app].livenessProbe is not set"),
        evidence(LIVENESS, always, "app"));
    Workload defaulted = pod(podSpec(unprobed("app")).build());
    assertEquals(
        List.of("spec.containers[app].readinessProbe is not set"),
        evidence(READINESS, defaulted, "app"));
  }

  @Test
  void initContainersNeedNoProbesButSidecarsDo() {
    Workload w =
        deployment(
            podSpec(hardened("app").build())
                .withInitContainers(
                    unprobed("migrate"),
                    hardened("proxy")
                        .withRestartPolicy("Always")
                        .withLivenessProbe(null)
                        .withReadinessProbe(null)
                        .build())
                .build());
    assertEquals(List.of(), evidence(LIVENESS, w, "migrate", ContainerType.InitContainer));
    assertEquals(List.of(), evidence(READINESS, w, "migrate", ContainerType.InitContainer));
    assertEquals(
        List.of("spec.template.spec.initContainers[proxy].livenessProbe is not set"),
        evidence(LIVENESS, w, "proxy", ContainerType.InitContainer));
    assertEquals(
        List.of("spec.template.spec.initContainers[proxy].readinessProbe is not set"),
        evidence(READINESS, w, "proxy", ContainerType.InitContainer));
  }

  @Test
  void ephemeralContainersCannotHaveProbesAndAreNotAsked() {
    Workload w =
        pod(
            podSpec(hardened("app").build())
                .withEphemeralContainers(
                    new EphemeralContainerBuilder()
                        .withName("debugger")
                        .withImage(TestWorkloads.PINNED_IMAGE)
                        .build())
                .build());
    assertEquals(List.of(), evidence(LIVENESS, w, "debugger", ContainerType.EphemeralContainer));
    assertEquals(List.of(), evidence(READINESS, w, "debugger", ContainerType.EphemeralContainer));
  }
}
