package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.CapturedFile;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * VIG-IMG-010. Client credential files that builds leave behind: .npmrc with an auth token,
 * .pypirc, .git-credentials, .netrc, .pgpass, AWS, Docker, gcloud and kube configs, .env files.
 * Files that are present but hold no credential (an .npmrc with only a registry URL, a Docker
 * config with only credsStore) do not count. Every layer is looked at, as for VIG-IMG-009.
 */
final class CredentialFilesCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-010";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.High;
  }

  @Override
  public String title() {
    return "Credential file in image";
  }

  @Override
  public String remediation() {
    return "Rotate the credential. Use RUN --mount=type=secret for build-time credentials and"
        + " Kubernetes Secrets at runtime; a file deleted in a later layer is still in the image.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    TreeSet<String> evidence = new TreeSet<>();
    for (CapturedFile version : context.files().allCaptured()) {
      if (!SensitiveFiles.isCredentialCandidate(version.path())) {
        continue;
      }
      SensitiveFiles.credential(version.path(), version.content())
          .ifPresent(
              what ->
                  evidence.add(
                      Evidence.path(version.path())
                          + ": "
                          + what
                          + Evidence.layerNote(version, context.files())));
    }
    return new ArrayList<>(evidence);
  }
}
