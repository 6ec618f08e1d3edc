package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.image.checks.EnvironmentSecrets;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;

/**
 * VIG-WL-017. An env value written into the pod spec is stored in etcd unencrypted (Secrets can be
 * encrypted at rest), shown by kubectl get -o yaml to everyone who may read the workload, and
 * copied into every ReplicaSet and CI log. Judged by the same rules as image ENV (VIG-IMG-007);
 * valueFrom references and values that are only $(VAR) references pass. Evidence names the
 * variable, never the value.
 */
final class EnvSecretsCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-017";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.High;
  }

  @Override
  public String title() {
    return "Secret written into the pod spec environment";
  }

  @Override
  public String remediation() {
    return "Rotate the secret, store it in a Kubernetes Secret and reference it with"
        + " env[].valueFrom.secretKeyRef (or mount it as a file).";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    List<String> evidence = new ArrayList<>();
    for (EnvVar var : context.container().env()) {
      if (var == null || var.getName() == null || var.getValue() == null) {
        continue;
      }
      List<String> reasons = EnvironmentSecrets.reasons(var.getName(), var.getValue());
      if (!reasons.isEmpty()) {
        evidence.add(
            context.paths().container("env[" + var.getName() + "].value")
                + " ("
                + String.join("; ", reasons)
                + ")");
      }
    }
    evidence.sort(null);
    return evidence;
  }
}
