package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.util.List;

/**
 * VIG-IMG-005. Shells, network and download tools (nc, curl, wget, ...) and privilege tools (sudo)
 * are what an intruder reaches for first: to explore, to fetch a second stage, to open a reverse
 * shell. Busybox counts as a shell: one binary gives sh, wget and nc. Reports the forbidden names
 * that are not build tools or package managers (those are VIG-IMG-006), including any name a policy
 * adds.
 */
final class ShellAndNetworkToolsCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-005";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Shell, network tool or other forbidden binary present";
  }

  @Override
  public String remediation() {
    return "Build the runtime stage FROM a distroless or scratch base and copy in only the"
        + " application; debug with kubectl debug and an ephemeral container instead.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    var forbidden = context.settings().forbiddenBinaries();
    return BinaryLocator.find(
            context,
            name -> forbidden.contains(name) && !BinaryKinds.isBuildToolOrPackageManager(name))
        .stream()
        .map(BinaryLocator.Located::evidence)
        .toList();
  }
}
