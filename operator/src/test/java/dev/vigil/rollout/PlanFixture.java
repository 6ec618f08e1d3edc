package dev.vigil.rollout;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.ImageReference;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * A mutable PlanInput for table-driven planner tests. Defaults: a Deployment container "web" on
 * registry.example.com/team/web:1.4.0 (IfNotPresent) running {@link #RUNNING}; policy web-updates
 * with mode Rollout, strategy Digest, method Auto, signatures Enforce; a rebuilt candidate {@link
 * #CANDIDATE} on the same tag, verified, fixing 3 findings and adding none; nothing in flight
 * (cluster limit 2).
 */
final class PlanFixture {

  static final String RUNNING = "sha256:" + "a".repeat(64);
  static final String CANDIDATE = "sha256:" + "b".repeat(64);
  static final String INDEX = "sha256:" + "c".repeat(64);
  static final String OTHER = "sha256:" + "d".repeat(64);
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final String IMAGE = "registry.example.com/team/web:1.4.0";

  String policy = "web-updates";
  ImagePolicySpec.Updates updates = new ImagePolicySpec.Updates();
  ImagePolicySpec.Signatures.Mode signatureMode = ImagePolicySpec.Signatures.Mode.Enforce;
  SeverityThreshold failOn = SeverityThreshold.High;
  WorkloadKind kind = WorkloadKind.Deployment;
  String container = "web";
  String image = IMAGE;
  String pullPolicy = "IfNotPresent";
  String running = RUNNING;
  Candidate candidate = new Candidate(ImageReference.parse(IMAGE), CANDIDATE, null);
  CandidateAssessment assessment =
      new CandidateAssessment(SignatureInfo.Status.Verified, 3, 0, false);
  RolloutAnnotation annotation;
  Progress progress;
  Set<String> failed = new HashSet<>();
  RolloutConcurrency concurrency = new RolloutConcurrency(0, 2, 0);
  Instant now = NOW;

  PlanFixture() {
    updates.mode = ImagePolicySpec.Updates.Mode.Rollout;
  }

  PlanFixture candidateTag(String tag) {
    candidate = new Candidate(ImageReference.parse(IMAGE).withTag(tag), CANDIDATE, null);
    return this;
  }

  PlanFixture assessment(SignatureInfo.Status signature, int fixes, int newFindings) {
    assessment = new CandidateAssessment(signature, fixes, newFindings, false);
    return this;
  }

  PlanFixture window(String schedule, String duration, String zone) {
    updates.window = new ImagePolicySpec.Window();
    updates.window.schedule = schedule;
    updates.window.duration = duration;
    updates.window.timeZone = zone;
    return this;
  }

  /** An annotation for container "web" from RUNNING to {@code to}, started at {@code startedAt}. */
  PlanFixture annotation(String container, String to, RolloutPhase phase, Instant startedAt) {
    annotation =
        new RolloutAnnotation(
            container, RUNNING, to, IMAGE, RolloutMethod.PinDigest, policy, startedAt, phase, null);
    return this;
  }

  PlanInput input() {
    return new PlanInput(
        policy,
        updates,
        signatureMode,
        failOn,
        kind,
        container,
        ImageReference.parse(image),
        pullPolicy,
        running,
        candidate,
        assessment,
        annotation,
        progress,
        failed,
        concurrency,
        now);
  }

  /** The start action the defaults lead to, with this method and target tag. */
  static RolloutAction.StartRollout start(RolloutMethod method, String tag) {
    return new RolloutAction.StartRollout(
        method,
        ImageReference.parse(IMAGE).withTag(tag).withDigest(CANDIDATE),
        RUNNING,
        "web-updates");
  }
}
