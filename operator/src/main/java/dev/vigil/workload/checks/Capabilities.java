package dev.vigil.workload.checks;

import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Capability names as the container runtimes read them: containerd and CRI-O upper-case a name and
 * accept it with or without the "CAP_" prefix, so "cap_sys_admin" adds SYS_ADMIN.
 */
final class Capabilities {

  private Capabilities() {}

  static String normalise(String name) {
    String upper = name.strip().toUpperCase(Locale.ROOT);
    return upper.startsWith("CAP_") ? upper.substring(4) : upper;
  }

  /** The capabilities the container adds, normalised; empty when none. */
  static List<String> added(SecurityContext sc) {
    if (sc == null || sc.getCapabilities() == null || sc.getCapabilities().getAdd() == null) {
      return List.of();
    }
    return sc.getCapabilities().getAdd().stream()
        .filter(Objects::nonNull)
        .map(Capabilities::normalise)
        .toList();
  }

  /** The capabilities the container drops, normalised; empty when none. */
  static List<String> dropped(SecurityContext sc) {
    if (sc == null || sc.getCapabilities() == null || sc.getCapabilities().getDrop() == null) {
      return List.of();
    }
    return sc.getCapabilities().getDrop().stream()
        .filter(Objects::nonNull)
        .map(Capabilities::normalise)
        .toList();
  }
}
