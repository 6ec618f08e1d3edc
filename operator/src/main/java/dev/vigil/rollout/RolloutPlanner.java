package dev.vigil.rollout;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImagePolicySpec.Updates;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.api.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides what happens to one workload container when a candidate image exists. Pure: no I/O, no
 * clock (the time comes in {@link PlanInput#now()}), the same input always gives the same {@link
 * Decision}. The rules, in the order they apply (docs/rollouts.md lists the reasons):
 *
 * <ol>
 *   <li>A rollout in flight on the workload (annotation phase RollingOut) is seen through whatever
 *       the policy says now: watched, finished, rolled back or marked failed.
 *   <li>updates.mode Off: nothing.
 *   <li>No candidate, or the candidate is what runs: nothing (RolledOut while the annotation says
 *       Vigil moved the container to the running digest).
 *   <li>A candidate this container already moved to, rolled back from or failed on (annotation or
 *       history): never again.
 *   <li>Not assessed yet: wait. Same config and layers as the running image: ignore.
 *   <li>Requirements (both Notify and Rollout): a verified signature when require.signature or
 *       signatures.mode Enforce; no new findings at or above failOn when
 *       require.noNewVulnerabilities.
 *   <li>Notify: Available.
 *   <li>Rollout: a same-tag rebuild (strategy Digest) must fix at least one finding (a newer SemVer
 *       tag is its own reason); only Deployments, StatefulSets, DaemonSets and CronJobs; the method
 *       must work for the container; the maintenance window must be open; the concurrency limits
 *       must have room. Then start.
 * </ol>
 */
public final class RolloutPlanner {

  /** How often an in-flight rollout is looked at. */
  public static final Duration WATCH_INTERVAL = Duration.ofSeconds(15);

  /** How soon to look again after waiting for room or for an assessment. */
  public static final Duration RETRY_INTERVAL = Duration.ofMinutes(1);

  private static final String ALWAYS = "Always";

  /** The decision for one container. */
  public Decision decide(PlanInput in) {
    RolloutAnnotation annotation = in.annotation();
    if (annotation != null && annotation.phase() == RolloutPhase.RollingOut) {
      return inFlight(in, annotation);
    }
    Updates updates = in.updates();
    if (updates.mode == null || updates.mode == Updates.Mode.Off) {
      return decision(State.None, "None: updates.mode is Off");
    }
    Candidate candidate = in.candidate();
    boolean ownAnnotation = annotation != null && annotation.container().equals(in.container());
    if (candidate == null || candidate.isRunning(in.runningDigest())) {
      if (ownAnnotation
          && annotation.phase() == RolloutPhase.RolledOut
          && annotation.to().equals(in.runningDigest())) {
        return decision(
            State.RolledOut,
            "RolledOut: running "
                + ShortDigest.of(annotation.to())
                + " since "
                + annotation.startedAt());
      }
      return decision(State.None, "None: no image newer than the running one");
    }
    String named = "candidate " + candidate.describe();
    if (ownAnnotation && annotation.to().equals(candidate.digest())) {
      return switch (annotation.phase()) {
        case RolledOut ->
            decision(
                State.RolledOut,
                "RolledOut: moved to " + candidate.describe() + " at " + annotation.startedAt());
        case RolledBack ->
            decision(
                State.RolledBack,
                "RolledBack: " + named + " failed on this workload and is not retried");
        case Failed ->
            decision(
                State.Failed, "Failed: " + named + " failed on this workload and is not retried");
        case RollingOut -> throw new IllegalStateException("handled above");
      };
    }
    if (in.failedDigests().contains(candidate.digest())) {
      return decision(State.Blocked, "Blocked: " + named + " failed on this workload before");
    }
    CandidateAssessment assessment = in.assessment();
    if (assessment == null) {
      return new Decision(
          State.Waiting,
          "Waiting: " + named + " is not assessed yet",
          RolloutAction.NONE,
          in.now().plus(RETRY_INTERVAL));
    }
    if (assessment.identicalContent()) {
      return decision(
          State.None, "None: " + named + " has the same config and layers as the running image");
    }
    Optional<String> unmet = unmetRequirement(in, assessment);
    if (unmet.isPresent()) {
      return decision(State.Blocked, unmet.get());
    }
    if (updates.mode == Updates.Mode.Notify) {
      return decision(
          State.Available,
          "Available: "
              + named
              + " fixes "
              + findings(assessment.fixes())
              + " (updates.mode is Notify)");
    }
    return rollout(in, candidate, assessment);
  }

  private Decision rollout(PlanInput in, Candidate candidate, CandidateAssessment assessment) {
    Updates updates = in.updates();
    String named = "candidate " + candidate.describe();
    if (updates.strategy != Updates.Strategy.SemverPatch
        && updates.strategy != Updates.Strategy.SemverMinor
        && assessment.fixes() == 0) {
      return decision(
          State.Available,
          "Available: " + named + " fixes no findings; rebuilds without fixes are not rolled out");
    }
    if (!isRollable(in.kind())) {
      return decision(
          State.Blocked,
          "Blocked: a "
              + in.kind()
              + " cannot be rolled out (only Deployment, StatefulSet,"
              + " DaemonSet and CronJob pod templates can be changed)");
    }
    MethodChoice method = method(in, candidate);
    if (method.blocked() != null) {
      return decision(State.Blocked, method.blocked());
    }
    RolloutMethod chosen = method.method();
    if (updates.window != null) {
      MaintenanceWindow window;
      try {
        window = MaintenanceWindow.of(updates.window);
      } catch (IllegalArgumentException e) {
        return decision(State.Blocked, "Blocked: invalid maintenance window: " + e.getMessage());
      }
      if (!window.isOpen(in.now())) {
        Optional<Instant> next = window.nextOpening(in.now());
        if (next.isEmpty()) {
          return decision(State.Blocked, "Blocked: the maintenance window never opens again");
        }
        return new Decision(
            State.Waiting,
            "Waiting: next maintenance window opens at " + next.get(),
            RolloutAction.NONE,
            next.get());
      }
    }
    RolloutConcurrency concurrency = in.concurrency();
    if (concurrency.clusterInFlight() >= concurrency.clusterLimit()) {
      return new Decision(
          State.Waiting,
          "Waiting: "
              + rollouts(concurrency.clusterInFlight())
              + " in progress (limit "
              + concurrency.clusterLimit()
              + ")",
          RolloutAction.NONE,
          in.now().plus(RETRY_INTERVAL));
    }
    int policyLimit = updates.maxConcurrentRollouts == null ? 1 : updates.maxConcurrentRollouts;
    if (concurrency.policyInFlight() >= policyLimit) {
      return new Decision(
          State.Waiting,
          "Waiting: "
              + rollouts(concurrency.policyInFlight())
              + " of policy "
              + in.policy()
              + " in progress (limit "
              + policyLimit
              + ")",
          RolloutAction.NONE,
          in.now().plus(RETRY_INTERVAL));
    }
    RolloutAction start =
        new RolloutAction.StartRollout(chosen, candidate.pinned(), in.runningDigest(), in.policy());
    if (in.kind() == WorkloadKind.CronJob) {
      return new Decision(
          State.RolledOut,
          "RolledOut: the next runs of the CronJob use " + candidate.describe(),
          start,
          null);
    }
    return new Decision(
        State.RollingOut,
        "RollingOut: to " + candidate.describe() + " by " + chosen,
        start,
        in.now().plus(WATCH_INTERVAL));
  }

  private static Optional<String> unmetRequirement(PlanInput in, CandidateAssessment assessment) {
    ImagePolicySpec.Require require =
        in.updates().require == null ? new ImagePolicySpec.Require() : in.updates().require;
    boolean signatureRequired =
        !Boolean.FALSE.equals(require.signature)
            || in.signatureMode() == ImagePolicySpec.Signatures.Mode.Enforce;
    if (signatureRequired && assessment.signature() != SignatureInfo.Status.Verified) {
      return Optional.of(
          switch (assessment.signature()) {
            case Unsigned -> "Blocked: candidate unsigned";
            case Invalid -> "Blocked: candidate signature invalid";
            case Error -> "Blocked: candidate signature could not be checked";
            case NotRequired -> "Blocked: candidate signature required but signatures.mode is Off";
            case Verified -> throw new IllegalStateException("verified is not unmet");
          });
    }
    if (!Boolean.FALSE.equals(require.noNewVulnerabilities) && assessment.newFindings() > 0) {
      return Optional.of(
          "Blocked: candidate adds "
              + findings(assessment.newFindings())
              + " at or above "
              + in.failOn());
    }
    return Optional.empty();
  }

  /** The method to use, or why the configured one cannot work (exactly one is set). */
  private record MethodChoice(RolloutMethod method, String blocked) {
    static MethodChoice use(RolloutMethod method) {
      return new MethodChoice(method, null);
    }

    static MethodChoice blockedBecause(String reason) {
      return new MethodChoice(null, reason);
    }
  }

  private static MethodChoice method(PlanInput in, Candidate candidate) {
    boolean always = ALWAYS.equals(in.effectivePullPolicy());
    boolean byTag = !in.image().hasDigest();
    boolean sameTag = candidate.tag().equals(in.image().tag());
    Updates.Method method = in.updates().method == null ? Updates.Method.Auto : in.updates().method;
    return switch (method) {
      // Restart only re-pulls the tag the pod spec names; it cannot move to another tag or off
      // a digest, and without Always the kubelet would reuse the cached image.
      case Auto ->
          MethodChoice.use(
              always && byTag && sameTag ? RolloutMethod.Restart : RolloutMethod.PinDigest);
      case PinDigest -> MethodChoice.use(RolloutMethod.PinDigest);
      case Restart -> {
        if (!always) {
          yield MethodChoice.blockedBecause("Blocked: method Restart needs imagePullPolicy Always");
        }
        if (!byTag) {
          yield MethodChoice.blockedBecause(
              "Blocked: method Restart needs an image reference by tag, not by digest");
        }
        if (!sameTag) {
          yield MethodChoice.blockedBecause(
              "Blocked: method Restart cannot change the tag from "
                  + in.image().tag()
                  + " to "
                  + candidate.tag());
        }
        yield MethodChoice.use(RolloutMethod.Restart);
      }
    };
  }

  private static Decision inFlight(PlanInput in, RolloutAnnotation annotation) {
    String to = ShortDigest.of(annotation.to());
    if (!annotation.container().equals(in.container())) {
      return new Decision(
          State.Waiting,
          "Waiting: a rollout of container "
              + annotation.container()
              + " to "
              + to
              + " is in progress on this workload",
          RolloutAction.NONE,
          in.now().plus(WATCH_INTERVAL));
    }
    Progress progress = in.progress();
    if (progress == null) {
      throw new IllegalArgumentException(
          "a rollout to " + annotation.to() + " is in flight: the plan needs its progress");
    }
    ImagePolicySpec.Rollback rollback =
        in.updates().rollback == null ? new ImagePolicySpec.Rollback() : in.updates().rollback;
    return switch (progress.status()) {
      case InProgress -> {
        Instant deadline = annotation.deadline(Duration.ofSeconds(deadlineSeconds(rollback)));
        Instant soon = in.now().plus(WATCH_INTERVAL);
        Instant next = deadline.isAfter(in.now()) && deadline.isBefore(soon) ? deadline : soon;
        yield new Decision(
            State.RollingOut,
            "RollingOut: to " + to + " since " + annotation.startedAt(),
            new RolloutAction.Watch(),
            next);
      }
      case Succeeded ->
          new Decision(
              State.RolledOut,
              "RolledOut: " + to + " is running (" + progress.detail() + ")",
              new RolloutAction.Finish(),
              null);
      case Failed ->
          Boolean.FALSE.equals(rollback.onFailure)
              ? new Decision(
                  State.Failed,
                  "Failed: "
                      + progress.detail()
                      + "; left on "
                      + to
                      + " because rollback.onFailure is false",
                  new RolloutAction.MarkFailed(),
                  null)
              : new Decision(
                  State.RolledBack,
                  "RolledBack: " + progress.detail() + "; restored " + annotation.previousImage(),
                  new RolloutAction.Rollback(),
                  null);
    };
  }

  /** The policy's progress deadline in seconds (default 600). */
  static int deadlineSeconds(ImagePolicySpec.Rollback rollback) {
    return rollback == null || rollback.progressDeadlineSeconds == null
        ? 600
        : rollback.progressDeadlineSeconds;
  }

  private static boolean isRollable(WorkloadKind kind) {
    return kind == WorkloadKind.Deployment
        || kind == WorkloadKind.StatefulSet
        || kind == WorkloadKind.DaemonSet
        || kind == WorkloadKind.CronJob;
  }

  private static Decision decision(State state, String reason) {
    return new Decision(state, reason, RolloutAction.NONE, null);
  }

  private static String findings(int n) {
    return n + (n == 1 ? " finding" : " findings");
  }

  private static String rollouts(int n) {
    return n + (n == 1 ? " rollout" : " rollouts");
  }
}
