package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.List;
import java.util.stream.Collectors;

/**
 * VIG-REG-001. The policy's registries.allowed names the sources it trusts; the image's normalised
 * reference ("nginx" is "docker.io/library/nginx:latest") must match one of the globs. A reference
 * that cannot be normalised cannot be shown to come from a trusted source, so it fails too.
 */
final class AllowedRegistryCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-REG-001";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Registry;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.High;
  }

  @Override
  public String title() {
    return "Image from a registry that is not allowed";
  }

  @Override
  public String remediation() {
    return "Mirror or rebuild the image into an allowed registry and reference it from there,"
        + " or add the source to the policy's registries.allowed after reviewing it.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    WorkloadCheckSettings settings = context.settings();
    if (settings.anyRegistryAllowed()) {
      return List.of();
    }
    String field = context.paths().container("image");
    PodImage image = PodImage.of(context.container().image());
    if (!image.isValid()) {
      return List.of(field + " cannot be normalised: " + image.problem());
    }
    String normalised = image.reference().canonical();
    if (settings.registryAllowed(normalised)) {
      return List.of();
    }
    String line = normalised + " (" + field + ") matches no registries.allowed glob";
    if (!settings.skippedRegistryGlobs().isEmpty()) {
      line +=
          settings.skippedRegistryGlobs().stream()
              .map(g -> "\"" + g + "\"")
              .collect(Collectors.joining(", ", " (invalid globs skipped: ", ")"));
    }
    return List.of(line);
  }
}
