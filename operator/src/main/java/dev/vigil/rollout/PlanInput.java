package dev.vigil.rollout;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.ImageReference;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the {@link RolloutPlanner} decides from, for one workload container.
 *
 * @param policy name of the ImagePolicy whose {@code updates} apply (recorded on the workload)
 * @param updates the policy's {@code spec.updates}
 * @param signatureMode the policy's {@code spec.signatures.mode}
 * @param failOn the policy's {@code spec.vulnerabilities.failOn} (named in reasons)
 * @param kind the workload kind
 * @param container the container name
 * @param image the container's image reference as written in the pod spec
 * @param imagePullPolicy the container's imagePullPolicy; null means the Kubernetes default (Always
 *     for an untagged or ":latest" reference, IfNotPresent otherwise)
 * @param runningDigest the digest the container runs
 * @param candidate what the container could move to; null when nothing newer exists
 * @param assessment the scan side's facts about the candidate; null when not assessed yet
 * @param annotation the workload's {@code vigil.dev/rollout} annotation; null when absent
 * @param progress the in-flight rollout's progress ({@link RolloutExecutor#progress}); needed only
 *     while the annotation is in phase RollingOut
 * @param failedDigests digests that already failed (rolled back or failed) for this container
 * @param concurrency rollouts in flight and the cluster-wide limit
 * @param now the current time
 */
public record PlanInput(
    String policy,
    ImagePolicySpec.Updates updates,
    ImagePolicySpec.Signatures.Mode signatureMode,
    SeverityThreshold failOn,
    WorkloadKind kind,
    String container,
    ImageReference image,
    String imagePullPolicy,
    String runningDigest,
    Candidate candidate,
    CandidateAssessment assessment,
    RolloutAnnotation annotation,
    Progress progress,
    Set<String> failedDigests,
    RolloutConcurrency concurrency,
    Instant now) {

  public PlanInput {
    Objects.requireNonNull(policy, "policy");
    updates = updates == null ? new ImagePolicySpec.Updates() : updates;
    signatureMode = signatureMode == null ? ImagePolicySpec.Signatures.Mode.Off : signatureMode;
    failOn = failOn == null ? SeverityThreshold.High : failOn;
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(runningDigest, "runningDigest");
    failedDigests = failedDigests == null ? Set.of() : Set.copyOf(failedDigests);
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(now, "now");
  }

  /** The pull policy the kubelet applies: the written one, else the Kubernetes default. */
  public String effectivePullPolicy() {
    if (imagePullPolicy != null && !imagePullPolicy.isEmpty()) {
      return imagePullPolicy;
    }
    return !image.hasDigest() && "latest".equals(image.tag()) ? "Always" : "IfNotPresent";
  }
}
