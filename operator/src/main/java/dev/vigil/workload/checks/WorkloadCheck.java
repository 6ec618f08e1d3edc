package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.List;

/**
 * One workload-configuration or registry check with a stable id (documented in docs/checks.md),
 * judged for one container of a workload's pod spec. A check reports at most one finding; its
 * evidence lines name the exact fields that failed.
 */
interface WorkloadCheck {

  /** Stable id, "VIG-WL-" or "VIG-REG-" and three digits. Never reused for another meaning. */
  String id();

  /** Workload for checks of the pod spec, Registry for checks of where the image comes from. */
  Finding.Category category();

  Severity defaultSeverity();

  /** One line saying what was found. */
  String title();

  String remediation();

  /**
   * Evidence lines when the check fails, sorted; empty when the container passes. Never contains a
   * secret value.
   */
  List<String> evaluate(ContainerContext context);
}
