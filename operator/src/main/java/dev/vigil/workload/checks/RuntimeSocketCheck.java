package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VIG-WL-012. Whoever can talk to the container runtime's socket can start a privileged container
 * with the node's root filesystem mounted: root on the node, whatever uid the caller runs as. A
 * mount of a directory that holds a socket (/run, /var/run, /, ...) reaches it as well.
 */
final class RuntimeSocketCheck implements WorkloadCheck {

  /** Socket paths under /run, and what they are. Each is also reachable as /var/run/... */
  private static final Map<String, String> SOCKETS = new LinkedHashMap<>();

  static {
    SOCKETS.put("/run/docker.sock", "Docker socket");
    SOCKETS.put("/run/containerd/containerd.sock", "containerd socket");
    SOCKETS.put("/run/k3s/containerd/containerd.sock", "containerd socket");
    SOCKETS.put("/run/crio/crio.sock", "CRI-O socket");
    SOCKETS.put("/run/podman/podman.sock", "Podman socket");
    SOCKETS.put("/run/cri-dockerd.sock", "cri-dockerd socket");
  }

  @Override
  public String id() {
    return "VIG-WL-012";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Critical;
  }

  @Override
  public String title() {
    return "Container runtime socket mounted";
  }

  @Override
  public String remediation() {
    return "Remove the hostPath volume. Build images with rootless tools (BuildKit rootless,"
        + " Kaniko, Buildah) and query container state through the Kubernetes API instead of"
        + " the runtime.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    List<String> evidence = new ArrayList<>();
    for (HostPathMount mount : HostPathMount.of(context)) {
      String what = reaches(mount.reachedHostPath());
      if (what != null) {
        evidence.add(mount.describe(context.paths()) + ": " + what);
      }
    }
    evidence.sort(null);
    return evidence;
  }

  /** What runtime socket a node path is or contains, or null when none. */
  static String reaches(String path) {
    List<String> contained = new ArrayList<>();
    for (Map.Entry<String, String> socket : SOCKETS.entrySet()) {
      for (String candidate : List.of(socket.getKey(), "/var" + socket.getKey())) {
        if (candidate.equals(path)) {
          return "the " + socket.getValue();
        }
        if (isAncestor(path, candidate) && !contained.contains(socket.getValue())) {
          contained.add(socket.getValue());
        }
      }
    }
    return contained.isEmpty() ? null : "contains the " + String.join(", ", contained);
  }

  private static boolean isAncestor(String dir, String path) {
    return dir.equals("/") || path.startsWith(dir + "/");
  }
}
