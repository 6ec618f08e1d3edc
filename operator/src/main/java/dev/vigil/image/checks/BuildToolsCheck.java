package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.util.List;

/**
 * VIG-IMG-006. Compilers, build tools and package managers in a runtime image mean a build stage
 * leaked into it: a larger attack surface, more packages to patch, and a way to build or install
 * tools after a compromise. Reports the forbidden names that are build tools or package managers
 * (see {@link BinaryKinds}).
 */
final class BuildToolsCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-006";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Build toolchain or package manager present";
  }

  @Override
  public String remediation() {
    return "Use a multi-stage build: compile and install in a builder stage, copy only the"
        + " artifacts into a minimal runtime stage.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    var forbidden = context.settings().forbiddenBinaries();
    return BinaryLocator.find(
            context,
            name -> forbidden.contains(name) && BinaryKinds.isBuildToolOrPackageManager(name))
        .stream()
        .map(BinaryLocator.Located::evidence)
        .toList();
  }
}
