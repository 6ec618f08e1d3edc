package dev.vigil.image.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.image.ContentSelector;
import dev.vigil.image.ImageConfig;
import dev.vigil.image.ImageFiles;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Runs the image-content checks VIG-IMG-001..017 over one image and turns their evidence into
 * findings: one finding per failed check, severity after the policy's overrides, evidence capped,
 * sorted by id.
 */
public final class ImageChecks {

  /**
   * The file contents the checks read: /etc/passwd, files that may be private keys and client
   * credential files. Capped small: key headers and credential entries sit at the start.
   */
  public static final ContentSelector CONTENT_SELECTOR =
      new ContentSelector("image-checks", 1, SensitiveFiles::isWanted, 32 * 1024);

  private static final List<ImageCheck> CHECKS =
      List.of(
          new RunsAsRootCheck(),
          new SetuidFilesCheck(),
          new WorldWritableCheck(),
          new NonRootExecutablesCheck(),
          new ShellAndNetworkToolsCheck(),
          new BuildToolsCheck(),
          new EnvSecretsCheck(),
          new HistorySecretsCheck(),
          new PrivateKeysCheck(),
          new CredentialFilesCheck(),
          new RemoteAddCheck(),
          new RequiredLabelsCheck(),
          new ForbiddenPortsCheck(),
          new HealthcheckCheck(),
          new ImageAgeCheck(),
          new PackageCacheCheck(),
          new SensitiveVolumesCheck());

  /** Every image check, in id order. */
  public List<ImageCheck> checks() {
    return CHECKS;
  }

  /**
   * Runs every check the settings do not exclude.
   *
   * @return findings sorted by id (then evidence), empty when the image passes everything
   * @throws IllegalStateException when a check fails on unexpected data, naming the check
   */
  public List<Finding> run(
      ImageConfig config, ImageFiles files, ImageCheckSettings settings, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    ImageCheckContext context = new ImageCheckContext(config, files, settings, clock);
    List<Finding> findings = new ArrayList<>();
    for (ImageCheck check : CHECKS) {
      if (settings.excludedIds().contains(check.id())) {
        continue;
      }
      List<String> evidence;
      try {
        evidence = check.evaluate(context);
      } catch (RuntimeException e) {
        throw new IllegalStateException("image check " + check.id() + " failed: " + e, e);
      }
      if (evidence.isEmpty()) {
        continue;
      }
      Severity severity = settings.severityFor(check.id(), check.defaultSeverity());
      findings.add(
          new Finding(
              check.id(),
              Finding.Category.Image,
              severity,
              check.title(),
              Evidence.capped(evidence),
              check.remediation()));
    }
    findings.sort(
        Comparator.comparing(Finding::getId)
            .thenComparing(f -> String.join("\n", f.getEvidence())));
    return findings;
  }
}
