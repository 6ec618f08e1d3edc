package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VIG-IMG-007. ENV values are part of the image config: anyone who can pull the image reads them
 * (docker inspect), and every container exposes them to its processes. Evidence names the variable
 * and why it matched, never the value.
 */
final class EnvSecretsCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-007";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.High;
  }

  @Override
  public String title() {
    return "Secret in environment variables";
  }

  @Override
  public String remediation() {
    return "Remove the ENV instruction, rotate the secret, and inject it at runtime from a"
        + " Kubernetes Secret (env valueFrom.secretKeyRef or a mounted file).";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    List<String> evidence = new ArrayList<>();
    for (Map.Entry<String, String> var : context.config().config().environment().entrySet()) {
      List<String> reasons = EnvironmentSecrets.reasons(var.getKey(), var.getValue());
      if (!reasons.isEmpty()) {
        evidence.add(var.getKey() + " (" + String.join("; ", reasons) + ")");
      }
    }
    evidence.sort(null);
    return evidence;
  }
}
