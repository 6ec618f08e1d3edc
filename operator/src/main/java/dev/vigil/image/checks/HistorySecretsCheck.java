package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.ImageConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * VIG-IMG-008. The image history keeps every build step's command line, including build arguments
 * ("|1 NPM_TOKEN=... /bin/sh -c npm ci"), ENV and ARG values and credentials typed into RUN.
 * Deleting the variable later does not remove it from the history. Evidence is the step index and
 * the command with the secret replaced by {@code <redacted>}.
 */
final class HistorySecretsCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-008";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.High;
  }

  @Override
  public String title() {
    return "Secret in build history";
  }

  @Override
  public String remediation() {
    return "Rotate the secret. Pass build secrets with RUN --mount=type=secret instead of ARG,"
        + " --build-arg, ENV or literals in RUN, then rebuild.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    List<String> evidence = new ArrayList<>();
    List<ImageConfig.HistoryEntry> history = context.config().history();
    for (int i = 0; i < history.size(); i++) {
      CommandSecrets.Result result = CommandSecrets.scan(history.get(i).createdBy());
      if (result.found()) {
        evidence.add(
            "history[" + i + "] (" + String.join(", ", result.kinds()) + "): " + result.redacted());
      }
    }
    return evidence;
  }
}
