package dev.vigil.workload.checks;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One hostPath volume as one container mounts it: a node directory or file visible inside the
 * container. Volumes the container does not mount are none of its business.
 *
 * @param volume the volume's name
 * @param hostPath the hostPath.path as written
 * @param mount how this container mounts it
 * @param reachedHostPath the node path the container sees at its mount path: hostPath.path with the
 *     subPath appended, normalised ("/var/run/" and "/var//run" are "/var/run"). A subPathExpr is
 *     only known at run time; the mount then counts as reaching the volume's whole path.
 */
record HostPathMount(String volume, String hostPath, VolumeMount mount, String reachedHostPath) {

  /** The hostPath mounts of a container, in the order of its volumeMounts. */
  static List<HostPathMount> of(ContainerContext context) {
    Map<String, String> hostPaths = new HashMap<>();
    List<Volume> volumes = context.pod().getVolumes();
    if (volumes != null) {
      for (Volume v : volumes) {
        if (v != null && v.getName() != null && v.getHostPath() != null) {
          hostPaths.put(v.getName(), v.getHostPath().getPath());
        }
      }
    }
    List<HostPathMount> mounts = new ArrayList<>();
    for (VolumeMount m : context.container().volumeMounts()) {
      if (m == null || !hostPaths.containsKey(m.getName())) {
        continue;
      }
      String path = hostPaths.get(m.getName());
      String base = path == null ? "" : path;
      String reached =
          m.getSubPath() == null || m.getSubPath().isEmpty()
              ? normalise(base)
              : normalise(base + "/" + m.getSubPath());
      mounts.add(new HostPathMount(m.getName(), path, m, reached));
    }
    return mounts;
  }

  /**
   * An absolute path with empty and "." segments dropped and ".." applied ("/" stays "/"). The API
   * server rejects ".." in hostPath and subPath; resolving it anyway keeps a hostile spec from
   * hiding "/var/run" behind "/tmp/../var/run".
   */
  static String normalise(String path) {
    Deque<String> segments = new ArrayDeque<>();
    for (String s : path.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(s);
      }
    }
    return "/" + String.join("/", segments);
  }

  /**
   * "spec.template.spec.volumes[logs].hostPath.path /var/log mounted read-only at /host/log", with
   * the subPath or subPathExpr when there is one.
   */
  String describe(FieldPaths paths) {
    StringBuilder s =
        new StringBuilder(paths.volume(volume)).append(".hostPath.path ").append(hostPath);
    if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
      s.append(" (subPath ").append(mount.getSubPath()).append(')');
    } else if (mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty()) {
      s.append(" (subPathExpr ").append(mount.getSubPathExpr()).append(')');
    }
    s.append(
        Boolean.TRUE.equals(mount.getReadOnly())
            ? " mounted read-only at "
            : " mounted read-write at ");
    s.append(mount.getMountPath());
    return s.toString();
  }
}
