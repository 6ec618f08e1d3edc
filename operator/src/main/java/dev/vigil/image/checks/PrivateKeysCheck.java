package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.CapturedFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * VIG-IMG-009. A private key in an image is shared with everyone who can pull it, and every
 * container of the image holds the same key (e.g. SSH host keys generated at package install).
 * Every layer is looked at: a key deleted by a later layer is still in the earlier layer's blob.
 * Keys inside packages' test-data directories are skipped (they ship publicly with the package and
 * protect nothing).
 */
final class PrivateKeysCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-009";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Critical;
  }

  @Override
  public String title() {
    return "Private key in image";
  }

  @Override
  public String remediation() {
    return "Revoke and replace the key. Mount keys at runtime from a Kubernetes Secret; deleting"
        + " the file in a later layer does not help, rebuild without ever copying it.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    TreeSet<String> evidence = new TreeSet<>();
    for (CapturedFile version : context.files().allCaptured()) {
      if (!SensitiveFiles.isPrivateKeyCandidate(version.path())
          || SensitiveFiles.isTestData(version.path())) {
        continue;
      }
      Optional<String> kind = SensitiveFiles.privateKeyKind(version.content());
      kind.ifPresent(
          k ->
              evidence.add(
                  Evidence.path(version.path())
                      + ": "
                      + k
                      + Evidence.layerNote(version, context.files())));
    }
    return new ArrayList<>(evidence);
  }
}
