package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VIG-IMG-012. Labels such as org.opencontainers.image.source and .revision tie a running image to
 * the code and commit it came from, which incident response and update tracking need. Which labels
 * are required is the policy's choice; an empty value counts as missing.
 */
final class RequiredLabelsCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-012";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Required labels missing";
  }

  @Override
  public String remediation() {
    return "Set the labels at build time (LABEL in the Dockerfile, docker buildx --label, or"
        + " the docker/metadata-action in CI).";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    Map<String, String> labels = context.config().config().labels();
    List<String> evidence = new ArrayList<>();
    for (String label : context.settings().requiredLabels()) {
      String value = labels.get(label);
      if (value == null) {
        evidence.add(label + " (missing)");
      } else if (value.isBlank()) {
        evidence.add(label + " (empty)");
      }
    }
    evidence.sort(null);
    return evidence;
  }
}
