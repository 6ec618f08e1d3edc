package dev.vigil.operator;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImagePolicySpec.Signatures;
import dev.vigil.api.ImagePolicySpec.Updates;
import dev.vigil.api.SeverityThreshold;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The update rules the policies applying to one container make together; the strictest governs.
 * Any policy with {@code updates.mode} Off or Notify keeps the others from rolling out (Notify
 * beats Rollout), a candidate must satisfy every policy's {@code require}, {@code failOn} is the
 * lowest threshold among the policies that forbid new findings, and {@code signatures.mode}
 * Enforce anywhere makes a verified signature a must. Strategy, method, window, concurrency and
 * rollback come from the governing policy: the first by name whose mode is the effective one.
 *
 * @param policy name of the governing policy (recorded on the workload when it rolls out)
 * @param updates the effective settings: the governing policy's, with the combined mode and
 *     require
 * @param signatureMode Enforce when any applicable policy enforces signatures
 * @param failOn the threshold new findings are counted at
 * @param signers the policies under whose authorities the candidate must verify
 */
record UpdateRules(
    String policy,
    Updates updates,
    Signatures.Mode signatureMode,
    SeverityThreshold failOn,
    List<PolicyIndex.Applicable> signers) {

  /** The combined rules, or empty when no applicable policy asks for Notify or Rollout. */
  static Optional<UpdateRules> of(List<PolicyIndex.Applicable> applicable) {
    List<PolicyIndex.Applicable> active = applicable.stream()
        .filter(a -> mode(a) != Updates.Mode.Off).toList();
    if (active.isEmpty()) {
      return Optional.empty();
    }
    boolean allRollout = applicable.stream().allMatch(a -> mode(a) == Updates.Mode.Rollout);
    Updates.Mode effective = allRollout ? Updates.Mode.Rollout : Updates.Mode.Notify;
    PolicyIndex.Applicable governing = active.stream()
        .filter(a -> mode(a) == effective).findFirst().orElse(active.get(0));
    Updates source = governing.policy().spec().updates;
    Updates combined = new Updates();
    combined.mode = effective;
    combined.strategy = source.strategy;
    combined.method = source.method;
    combined.maxConcurrentRollouts = source.maxConcurrentRollouts;
    combined.window = source.window;
    combined.rollback = source.rollback;
    combined.require = new ImagePolicySpec.Require();
    combined.require.signature = active.stream().anyMatch(UpdateRules::requiresSignature);
    combined.require.noNewVulnerabilities = active.stream().anyMatch(UpdateRules::forbidsNewFindings);

    boolean enforce = applicable.stream().anyMatch(a -> signatureMode(a) == Signatures.Mode.Enforce);
    SeverityThreshold failOn = SeverityThreshold.None;
    for (PolicyIndex.Applicable a : active) {
      if (forbidsNewFindings(a) && strictness(failOn(a)) > strictness(failOn)) {
        failOn = failOn(a);
      }
    }
    List<PolicyIndex.Applicable> signers = new ArrayList<>();
    for (PolicyIndex.Applicable a : applicable) {
      if ((mode(a) != Updates.Mode.Off && requiresSignature(a))
          || signatureMode(a) == Signatures.Mode.Enforce) {
        signers.add(a);
      }
    }
    return Optional.of(new UpdateRules(governing.policy().name(), combined,
        enforce ? Signatures.Mode.Enforce : signatureMode(governing), failOn, List.copyOf(signers)));
  }

  private static Updates.Mode mode(PolicyIndex.Applicable a) {
    Updates u = a.policy().spec().updates;
    return u == null || u.mode == null ? Updates.Mode.Off : u.mode;
  }

  private static boolean requiresSignature(PolicyIndex.Applicable a) {
    ImagePolicySpec.Require r = a.policy().spec().updates.require;
    return r == null || !Boolean.FALSE.equals(r.signature);
  }

  private static boolean forbidsNewFindings(PolicyIndex.Applicable a) {
    ImagePolicySpec.Require r = a.policy().spec().updates.require;
    return r == null || !Boolean.FALSE.equals(r.noNewVulnerabilities);
  }

  private static Signatures.Mode signatureMode(PolicyIndex.Applicable a) {
    Signatures s = a.policy().spec().signatures;
    return s == null || s.mode == null ? Signatures.Mode.Off : s.mode;
  }

  private static SeverityThreshold failOn(PolicyIndex.Applicable a) {
    ImagePolicySpec.Vulnerabilities v = a.policy().spec().vulnerabilities;
    return v == null || v.failOn == null ? SeverityThreshold.High : v.failOn;
  }

  /** How much a threshold catches: None nothing, Low the most. */
  private static int strictness(SeverityThreshold t) {
    return switch (t) {
      case None -> 0;
      case Critical -> 1;
      case High -> 2;
      case Medium -> 3;
      case Low -> 4;
    };
  }
}
