package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * VIG-IMG-017. A VOLUME on a host-critical path (/, /proc, /sys, /dev, the container runtime's
 * socket or state directories) says the image expects that path mounted from the node: an image
 * built to control the host. Kubernetes does not mount it by itself, but a workload written to
 * match this image would, so it is worth a look before it runs.
 */
final class SensitiveVolumesCheck implements ImageCheck {

  private static final Set<String> EXACT =
      Set.of(
          "/",
          "/etc",
          "/root",
          "/boot",
          "/run",
          "/var/run",
          "/var/run/docker.sock",
          "/run/docker.sock",
          "/var/run/containerd/containerd.sock",
          "/run/containerd/containerd.sock",
          "/var/run/crio/crio.sock",
          "/run/crio/crio.sock",
          "/var/lib/docker",
          "/var/lib/containerd",
          "/var/lib/kubelet");

  private static final List<String> TREES = List.of("/proc", "/sys", "/dev");

  @Override
  public String id() {
    return "VIG-IMG-017";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Medium;
  }

  @Override
  public String title() {
    return "VOLUME on a sensitive host path";
  }

  @Override
  public String remediation() {
    return "Remove the VOLUME; if the workload really needs host access, grant it explicitly"
        + " and narrowly in the pod spec and review it there.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    List<String> evidence = new ArrayList<>();
    for (String volume : context.config().config().volumes()) {
      if (isSensitive(normalise(volume))) {
        evidence.add(volume);
      }
    }
    evidence.sort(null);
    return evidence;
  }

  private static String normalise(String volume) {
    String v = volume.strip().replaceAll("/+", "/");
    if (!v.startsWith("/")) {
      v = "/" + v;
    }
    while (v.length() > 1 && v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    return v;
  }

  private static boolean isSensitive(String path) {
    if (EXACT.contains(path)) {
      return true;
    }
    for (String tree : TREES) {
      if (path.equals(tree) || path.startsWith(tree + "/")) {
        return true;
      }
    }
    return false;
  }
}
