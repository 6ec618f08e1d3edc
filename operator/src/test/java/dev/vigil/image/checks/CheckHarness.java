package dev.vigil.image.checks;

import dev.vigil.api.Finding;
import dev.vigil.image.ImageConfig;
import dev.vigil.image.ImageFiles;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Runs the public {@link ImageChecks} entry point and picks out one check's result. */
final class CheckHarness {

  static final Clock NOW = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

  private CheckHarness() {}

  static ImageConfig config(String json) {
    return ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Evidence of the finding with this id under default settings, or [] when it did not fire. */
  static List<String> evidence(String id, ImageConfig config, ImageFiles files) {
    return evidence(id, config, files, ImageCheckSettings.defaults());
  }

  static List<String> evidence(
      String id, ImageConfig config, ImageFiles files, ImageCheckSettings settings) {
    return finding(id, config, files, settings).map(Finding::getEvidence).orElse(List.of());
  }

  static java.util.Optional<Finding> finding(
      String id, ImageConfig config, ImageFiles files, ImageCheckSettings settings) {
    return new ImageChecks()
        .run(config, files, settings, NOW).stream().filter(f -> f.getId().equals(id)).findFirst();
  }

  static ImageCheckSettings withBinaries(String... names) {
    ImageCheckSettings d = ImageCheckSettings.defaults();
    return new ImageCheckSettings(
        d.excludedIds(),
        d.severityOverrides(),
        d.requiredLabels(),
        d.maxImageAge(),
        d.forbiddenPorts(),
        java.util.Set.of(names));
  }
}
