package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.ImageConfig;
import java.util.List;

/**
 * VIG-IMG-014. Without a HEALTHCHECK, runtimes outside Kubernetes cannot tell a hung service from a
 * healthy one. Kubernetes itself ignores HEALTHCHECK and uses the pod's probes (a workload check
 * looks at those), hence the low default severity.
 */
final class HealthcheckCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-014";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "No HEALTHCHECK defined";
  }

  @Override
  public String remediation() {
    return "Add a HEALTHCHECK to the Dockerfile, and define liveness/readiness probes in the"
        + " pod spec, which is what Kubernetes uses.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    ImageConfig.Healthcheck hc = context.config().config().healthcheck();
    if (hc == null || hc.test().isEmpty()) {
      return List.of("no HEALTHCHECK in the image config");
    }
    if (hc.disabled()) {
      return List.of("HEALTHCHECK NONE disables health checking");
    }
    return List.of();
  }
}
