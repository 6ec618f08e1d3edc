package dev.vigil.workload.checks;

import static dev.vigil.workload.checks.TestWorkloads.daemonSet;
import static dev.vigil.workload.checks.TestWorkloads.deployment;
import static dev.vigil.workload.checks.TestWorkloads.evidence;
import static dev.vigil.workload.checks.TestWorkloads.hardened;
import static dev.vigil.workload.checks.TestWorkloads.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.api.Severity;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VIG-WL-008 .. 012: host namespaces, hostPath mounts and container runtime sockets. */
class HostAccessChecksTest {

  private static final String HOST_NETWORK = "VIG-WL-008";
  private static final String HOST_PID = "VIG-WL-009";
  private static final String HOST_IPC = "VIG-WL-010";
  private static final String HOST_PATH = "VIG-WL-011";
  private static final String SOCKET = "VIG-WL-012";

  private static final String VOLUMES = "spec.template.spec.volumes";

  private static Volume hostPath(String name, String path) {
    return new VolumeBuilder()
        .withName(name)
        .withNewHostPath()
        .withPath(path)
        .endHostPath()
        .build();
  }

  @Test
  void eachHostNamespaceFiresOnItsOwnForEveryContainer() {
    PodSpecBuilder spec =
        podSpec(hardened("agent").build(), hardened("exporter").build())
            .withHostNetwork(true)
            .withHostPID(true)
            .withHostIPC(false);
    Workload w = daemonSet(spec.build());
    for (String container : List.of("agent", "exporter")) {
      assertEquals(
          List.of("spec.template.spec.hostNetwork is true"), evidence(HOST_NETWORK, w, container));
      assertEquals(List.of("spec.template.spec.hostPID is true"), evidence(HOST_PID, w, container));
      assertEquals(List.of(), evidence(HOST_IPC, w, container));
    }
    Workload ipc = daemonSet(podSpec(hardened("agent").build()).withHostIPC(true).build());
    assertEquals(List.of("spec.template.spec.hostIPC is true"), evidence(HOST_IPC, ipc, "agent"));
    assertEquals(List.of(), evidence(HOST_NETWORK, ipc, "agent"));
    assertEquals(List.of(), evidence(HOST_PID, ipc, "agent"));
  }

  @Test
  void hostPathVolumesCountOnlyForTheContainersMountingThem() {
    Workload w =
        daemonSet(
            podSpec(
                    hardened("agent")
                        .addNewVolumeMount()
                        .withName("logs")
                        .withMountPath("/host/log")
                        .withReadOnly(true)
                        .endVolumeMount()
                        .addNewVolumeMount()
                        .withName("state")
                        .withMountPath("/state")
                        .endVolumeMount()
                        .addNewVolumeMount()
                        .withName("scratch")
                        .withMountPath("/tmp")
                        .endVolumeMount()
                        .build(),
                    hardened("exporter")
                        .addNewVolumeMount()
                        .withName("scratch")
                        .withMountPath("/tmp")
                        .endVolumeMount()
                        .build())
                .withVolumes(
                    hostPath("logs", "/var/log"),
                    hostPath("state", "/var/lib/agent"),
                    hostPath("unused", "/etc"),
                    new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build())
                .build());
    assertEquals(
        List.of(
            VOLUMES + "[logs].hostPath.path /var/log mounted read-only at /host/log",
            VOLUMES + "[state].hostPath.path /var/lib/agent mounted read-write at /state"),
        evidence(HOST_PATH, w, "agent"));
    assertEquals(List.of(), evidence(HOST_PATH, w, "exporter"));
    assertEquals(List.of(), evidence(SOCKET, w, "agent"));
  }

  @Test
  void dockerSocketMountIsCriticalAndAlsoAHostPath() {
    Workload w =
        deployment(
            podSpec(
                    hardened("web")
                        .addNewVolumeMount()
                        .withName("docker")
                        .withMountPath("/var/run/docker.sock")
                        .endVolumeMount()
                        .build())
                .withVolumes(hostPath("docker", "/var/run/docker.sock"))
                .build());
    String mount =
        VOLUMES
            + "[docker].hostPath.path /var/run/docker.sock mounted read-write at"
            + " /var/run/docker.sock";
    assertEquals(List.of(mount + ": the Docker socket"), evidence(SOCKET, w, "web"));
    assertEquals(List.of(mount), evidence(HOST_PATH, w, "web"));
    assertEquals(
        Severity.Critical,
        TestWorkloads.finding(
                SOCKET, w, "web", ContainerType.Container, WorkloadCheckSettings.defaults())
            .orElseThrow()
            .getSeverity());
  }

  @Test
  void everyRuntimeSocketIsRecognisedUnderRunAndVarRun() {
    assertEquals("the Docker socket", RuntimeSocketCheck.reaches("/run/docker.sock"));
    assertEquals("the Docker socket", RuntimeSocketCheck.reaches("/var/run/docker.sock"));
    assertEquals(
        "the containerd socket", RuntimeSocketCheck.reaches("/run/containerd/containerd.sock"));
    assertEquals(
        "the containerd socket", RuntimeSocketCheck.reaches("/var/run/containerd/containerd.sock"));
    assertEquals("the CRI-O socket", RuntimeSocketCheck.reaches("/var/run/crio/crio.sock"));
    assertEquals("the Podman socket", RuntimeSocketCheck.reaches("/run/podman/podman.sock"));
    assertEquals(
        "the containerd socket", RuntimeSocketCheck.reaches("/run/k3s/containerd/containerd.sock"));
    assertEquals("the cri-dockerd socket", RuntimeSocketCheck.reaches("/run/cri-dockerd.sock"));
  }

  @Test
  void directoriesHoldingSocketsCountAndOtherPathsDoNot() {
    String all =
        "contains the Docker socket, containerd socket, CRI-O socket, Podman socket,"
            + " cri-dockerd socket";
    assertEquals(all, RuntimeSocketCheck.reaches("/run"));
    assertEquals(all, RuntimeSocketCheck.reaches("/var/run"));
    assertEquals(all, RuntimeSocketCheck.reaches("/"));
    assertEquals("contains the containerd socket", RuntimeSocketCheck.reaches("/run/containerd"));
    assertEquals("contains the CRI-O socket", RuntimeSocketCheck.reaches("/var/run/crio"));
    assertNull(RuntimeSocketCheck.reaches("/var/log"));
    assertNull(RuntimeSocketCheck.reaches("/run/secrets"));
    assertNull(RuntimeSocketCheck.reaches("/var/run/docker.sock.bak"));
    assertNull(RuntimeSocketCheck.reaches("/runner"));
  }

  @Test
  void subPathIsFollowedToTheSocketItReaches() {
    Workload w =
        deployment(
            podSpec(
                    hardened("web")
                        .addNewVolumeMount()
                        .withName("run")
                        .withMountPath("/docker.sock")
                        .withSubPath("docker.sock")
                        .endVolumeMount()
                        .addNewVolumeMount()
                        .withName("run")
                        .withMountPath("/secrets")
                        .withSubPath("secrets")
                        .withReadOnly(true)
                        .endVolumeMount()
                        .build())
                .withVolumes(hostPath("run", "/var/run/"))
                .build());
    assertEquals(
        List.of(
            VOLUMES
                + "[run].hostPath.path /var/run/ (subPath docker.sock) mounted read-write at"
                + " /docker.sock: the Docker socket"),
        evidence(SOCKET, w, "web"));
    assertEquals(
        List.of(
            VOLUMES
                + "[run].hostPath.path /var/run/ (subPath docker.sock) mounted read-write at"
                + " /docker.sock",
            VOLUMES
                + "[run].hostPath.path /var/run/ (subPath secrets) mounted read-only at /secrets"),
        evidence(HOST_PATH, w, "web"));
  }

  @Test
  void subPathExprCountsAsReachingTheWholeVolume() {
    Workload w =
        deployment(
            podSpec(
                    hardened("web")
                        .addNewVolumeMount()
                        .withName("run")
                        .withMountPath("/pod-run")
                        .withSubPathExpr("$(POD_NAME)")
                        .endVolumeMount()
                        .build())
                .withVolumes(hostPath("run", "/run"))
                .build());
    assertEquals(
        List.of(
            VOLUMES
                + "[run].hostPath.path /run (subPathExpr $(POD_NAME)) mounted read-write at"
                + " /pod-run: contains the Docker socket, containerd socket, CRI-O socket,"
                + " Podman socket, cri-dockerd socket"),
        evidence(SOCKET, w, "web"));
  }

  @Test
  void hostPathsAreNormalisedBeforeMatching() {
    assertEquals("/var/run/docker.sock", HostPathMount.normalise("/var//run/./docker.sock/"));
    assertEquals("/var/run", HostPathMount.normalise("/tmp/../var/run"));
    assertEquals("/", HostPathMount.normalise("/"));
    assertEquals("/", HostPathMount.normalise("/.."));
    Workload w =
        deployment(
            podSpec(
                    hardened("web")
                        .addNewVolumeMount()
                        .withName("sneaky")
                        .withMountPath("/x")
                        .endVolumeMount()
                        .build())
                .withVolumes(hostPath("sneaky", "/tmp/../var//run/crio/crio.sock"))
                .build());
    assertEquals(
        List.of(
            VOLUMES
                + "[sneaky].hostPath.path /tmp/../var//run/crio/crio.sock mounted read-write at"
                + " /x: the CRI-O socket"),
        evidence(SOCKET, w, "web"));
  }
}
