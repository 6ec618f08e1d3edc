package dev.vigil.scan;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.Severity;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.policy.DurationText;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One set of image-check settings that satisfies every applicable policy at once: checks run
 * unless all policies exclude them, lists are unions, the shortest age limit wins and the
 * most severe override wins. Each policy then judges the findings with its own exclusions.
 */
public final class CheckSettingsMerger {

  private CheckSettingsMerger() {}

  public static ImageCheckSettings merge(List<NamedPolicy> policies) {
    ImageCheckSettings defaults = ImageCheckSettings.defaults();
    if (policies.isEmpty()) {
      return defaults;
    }
    Set<String> excluded = null;
    Map<String, Severity> overrides = new HashMap<>();
    Set<String> labels = new LinkedHashSet<>();
    Duration maxAge = null;
    Set<Integer> ports = new HashSet<>();
    Set<String> binaries = new LinkedHashSet<>();
    for (NamedPolicy policy : policies) {
      ImagePolicySpec.Checks checks = policy.spec().checks == null
          ? new ImagePolicySpec.Checks() : policy.spec().checks;
      Set<String> own = checks.exclude == null ? Set.of() : new HashSet<>(checks.exclude);
      if (excluded == null) {
        excluded = new HashSet<>(own);
      } else {
        excluded.retainAll(own);
      }
      if (checks.severity != null) {
        checks.severity.forEach((id, sev) -> overrides.merge(id, sev, CheckSettingsMerger::moreSevere));
      }
      if (checks.requiredLabels != null) {
        labels.addAll(checks.requiredLabels);
      }
      Duration age = checks.maxImageAge == null ? defaults.maxImageAge() : DurationText.parse(checks.maxImageAge);
      maxAge = maxAge == null || age.compareTo(maxAge) < 0 ? age : maxAge;
      ports.addAll(checks.forbiddenPorts == null || checks.forbiddenPorts.isEmpty()
          ? defaults.forbiddenPorts() : checks.forbiddenPorts);
      binaries.addAll(checks.forbiddenBinaries == null || checks.forbiddenBinaries.isEmpty()
          ? defaults.forbiddenBinaries() : checks.forbiddenBinaries);
    }
    return new ImageCheckSettings(excluded, overrides, List.copyOf(labels), maxAge, ports, binaries);
  }

  private static Severity moreSevere(Severity a, Severity b) {
    return a.atLeast(b) ? a : b;
  }
}
