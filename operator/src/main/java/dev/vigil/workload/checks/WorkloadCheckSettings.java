package dev.vigil.workload.checks;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.Severity;
import dev.vigil.policy.ImageGlob;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an ImagePolicy asks of the workload and registry checks.
 *
 * @param excludedIds check ids not to run (ids of other check families are ignored here)
 * @param severityOverrides severity per check id, replacing the default
 * @param allowedRegistries globs over normalised image references that count as trusted sources
 * @param skippedRegistryGlobs entries of the policy's registries.allowed that are not valid globs.
 *     They are skipped, but they still mean the policy meant to restrict sources: with no valid
 *     glob left, no source is trusted rather than every source (fail closed).
 */
public record WorkloadCheckSettings(
    Set<String> excludedIds,
    Map<String, Severity> severityOverrides,
    List<ImageGlob> allowedRegistries,
    List<String> skippedRegistryGlobs) {

  public WorkloadCheckSettings {
    excludedIds = excludedIds == null ? Set.of() : Set.copyOf(excludedIds);
    severityOverrides =
        severityOverrides == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(severityOverrides));
    allowedRegistries = allowedRegistries == null ? List.of() : List.copyOf(allowedRegistries);
    skippedRegistryGlobs =
        skippedRegistryGlobs == null ? List.of() : List.copyOf(skippedRegistryGlobs);
  }

  /** Settings with every registry glob valid; empty {@code allowedRegistries} = any source. */
  public WorkloadCheckSettings(
      Set<String> excludedIds,
      Map<String, Severity> severityOverrides,
      List<ImageGlob> allowedRegistries) {
    this(excludedIds, severityOverrides, allowedRegistries, List.of());
  }

  /** The settings a policy without checks or registries sections gets: all checks, any source. */
  public static WorkloadCheckSettings defaults() {
    return new WorkloadCheckSettings(Set.of(), Map.of(), List.of(), List.of());
  }

  /**
   * The settings an ImagePolicy's {@code checks} and {@code registries} sections describe, either
   * of which may be null. Entries the policy validator rejects (a glob that does not compile, a
   * null id or severity) are skipped: the policy is already reported invalid there, and the rest of
   * it still applies.
   */
  public static WorkloadCheckSettings fromPolicy(
      ImagePolicySpec.Checks checks, ImagePolicySpec.Registries registries) {
    Set<String> excluded = new HashSet<>();
    Map<String, Severity> overrides = new TreeMap<>();
    if (checks != null) {
      if (checks.exclude != null) {
        for (String id : checks.exclude) {
          if (id != null) {
            excluded.add(id);
          }
        }
      }
      if (checks.severity != null) {
        checks.severity.forEach(
            (id, severity) -> {
              if (id != null && severity != null) {
                overrides.put(id, severity);
              }
            });
      }
    }
    List<ImageGlob> globs = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (registries != null && registries.allowed != null) {
      for (String glob : registries.allowed) {
        try {
          globs.add(ImageGlob.compile(glob));
        } catch (IllegalArgumentException invalid) {
          skipped.add(String.valueOf(glob));
        }
      }
    }
    return new WorkloadCheckSettings(excluded, overrides, globs, skipped);
  }

  /** True when the policy does not restrict where images come from. */
  public boolean anyRegistryAllowed() {
    return allowedRegistries.isEmpty() && skippedRegistryGlobs.isEmpty();
  }

  /** True when some allowed glob matches the normalised reference. */
  public boolean registryAllowed(String normalisedReference) {
    return anyRegistryAllowed()
        || allowedRegistries.stream().anyMatch(g -> g.matches(normalisedReference));
  }

  /** The severity a check's findings get under these settings. */
  public Severity severityFor(String id, Severity defaultSeverity) {
    return severityOverrides.getOrDefault(id, defaultSeverity);
  }
}
