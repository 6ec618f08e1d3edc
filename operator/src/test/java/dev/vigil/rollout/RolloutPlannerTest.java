package dev.vigil.rollout;

import static dev.vigil.rollout.PlanFixture.CANDIDATE;
import static dev.vigil.rollout.PlanFixture.IMAGE;
import static dev.vigil.rollout.PlanFixture.INDEX;
import static dev.vigil.rollout.PlanFixture.NOW;
import static dev.vigil.rollout.PlanFixture.OTHER;
import static dev.vigil.rollout.PlanFixture.RUNNING;
import static dev.vigil.rollout.PlanFixture.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.api.ImagePolicySpec.Signatures;
import dev.vigil.api.ImagePolicySpec.Updates;
import dev.vigil.api.ImageReportStatus.SignatureInfo.Status;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.ImageReference;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every planner rule and reason string, one table row each. */
class RolloutPlannerTest {

  private static final String NEW = "1.4.0@sha256:bbbbbbbbbbbb";
  private static final RolloutAction NONE = RolloutAction.NONE;
  private static final Instant STARTED = NOW.minusSeconds(60);

  private final RolloutPlanner planner = new RolloutPlanner();

  private static Arguments row(String name, Consumer<PlanFixture> setup, Decision expected) {
    return Arguments.of(Named.of(name, setup), expected);
  }

  private static Decision decision(State state, String reason) {
    return new Decision(state, reason, NONE, null);
  }

  private static Decision rollingOut(RolloutMethod method, String tag) {
    return new Decision(
        State.RollingOut,
        "RollingOut: to 1.4.0@sha256:bbbbbbbbbbbb by " + method,
        start(method, "1.4.0"),
        NOW.plusSeconds(15));
  }

  static Stream<Arguments> modesAndCandidates() {
    return Stream.of(
        row(
            "mode Off does nothing",
            f -> f.updates.mode = Updates.Mode.Off,
            decision(State.None, "None: updates.mode is Off")),
        row(
            "no candidate",
            f -> f.candidate = null,
            decision(State.None, "None: no image newer than the running one")),
        row(
            "candidate is the running platform digest",
            f -> f.running = CANDIDATE,
            decision(State.None, "None: no image newer than the running one")),
        row(
            "candidate's index digest is what the runtime reports",
            f -> {
              f.candidate = new Candidate(ImageReference.parse(IMAGE), CANDIDATE, INDEX);
              f.running = INDEX;
            },
            decision(State.None, "None: no image newer than the running one")),
        row(
            "after a rollout to the running digest the state stays RolledOut",
            f -> {
              f.candidate = null;
              f.running = CANDIDATE;
              f.annotation("web", CANDIDATE, RolloutPhase.RolledOut, STARTED);
            },
            decision(
                State.RolledOut,
                "RolledOut: running sha256:bbbbbbbbbbbb since 2026-11-22T11:59:00Z")),
        row(
            "a rolled-out annotation of another container does not count",
            f -> {
              f.candidate = null;
              f.running = CANDIDATE;
              f.annotation("sidecar", CANDIDATE, RolloutPhase.RolledOut, STARTED);
            },
            decision(State.None, "None: no image newer than the running one")),
        row(
            "candidate already rolled out while the running digest lags",
            f -> f.annotation("web", CANDIDATE, RolloutPhase.RolledOut, STARTED),
            decision(State.RolledOut, "RolledOut: moved to " + NEW + " at 2026-11-22T11:59:00Z")),
        row(
            "candidate rolled back before is not retried",
            f -> f.annotation("web", CANDIDATE, RolloutPhase.RolledBack, STARTED),
            decision(
                State.RolledBack,
                "RolledBack: candidate " + NEW + " failed on this workload and is not retried")),
        row(
            "candidate that failed in place is not retried",
            f -> f.annotation("web", CANDIDATE, RolloutPhase.Failed, STARTED),
            decision(
                State.Failed,
                "Failed: candidate " + NEW + " failed on this workload and is not retried")),
        row(
            "candidate in the failed history is blocked",
            f -> f.failed.add(CANDIDATE),
            decision(
                State.Blocked, "Blocked: candidate " + NEW + " failed on this workload before")),
        row(
            "a finished rollout to another digest does not block a new candidate",
            f -> f.annotation("web", OTHER, RolloutPhase.RolledBack, STARTED),
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "not assessed yet waits a minute",
            f -> f.assessment = null,
            new Decision(
                State.Waiting,
                "Waiting: candidate " + NEW + " is not assessed yet",
                NONE,
                NOW.plusSeconds(60))),
        row(
            "identical content changes nothing",
            f -> f.assessment = new CandidateAssessment(Status.Verified, 3, 0, true),
            decision(
                State.None,
                "None: candidate "
                    + NEW
                    + " has the same config and layers as the running image")));
  }

  static Stream<Arguments> requirements() {
    return Stream.of(
        row(
            "unsigned",
            f -> f.assessment(Status.Unsigned, 3, 0),
            decision(State.Blocked, "Blocked: candidate unsigned")),
        row(
            "invalid signature",
            f -> f.assessment(Status.Invalid, 3, 0),
            decision(State.Blocked, "Blocked: candidate signature invalid")),
        row(
            "signature check error",
            f -> f.assessment(Status.Error, 3, 0),
            decision(State.Blocked, "Blocked: candidate signature could not be checked")),
        row(
            "require.signature with signatures.mode Off",
            f -> {
              f.signatureMode = Signatures.Mode.Off;
              f.assessment(Status.NotRequired, 3, 0);
            },
            decision(
                State.Blocked, "Blocked: candidate signature required but signatures.mode is Off")),
        row(
            "signature not required in Audit mode",
            f -> {
              f.signatureMode = Signatures.Mode.Audit;
              f.updates.require.signature = false;
              f.assessment(Status.Unsigned, 3, 0);
            },
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "Enforce requires a signature even when require.signature is false",
            f -> {
              f.updates.require.signature = false;
              f.assessment(Status.Unsigned, 3, 0);
            },
            decision(State.Blocked, "Blocked: candidate unsigned")),
        row(
            "one new finding at or above failOn",
            f -> f.assessment(Status.Verified, 3, 1),
            decision(State.Blocked, "Blocked: candidate adds 1 finding at or above High")),
        row(
            "several new findings name the threshold",
            f -> {
              f.failOn = SeverityThreshold.Critical;
              f.assessment(Status.Verified, 3, 3);
            },
            decision(State.Blocked, "Blocked: candidate adds 3 findings at or above Critical")),
        row(
            "new findings allowed without require.noNewVulnerabilities",
            f -> {
              f.updates.require.noNewVulnerabilities = false;
              f.assessment(Status.Verified, 3, 2);
            },
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "signature is checked before findings",
            f -> f.assessment(Status.Unsigned, 3, 2),
            decision(State.Blocked, "Blocked: candidate unsigned")),
        row(
            "Notify reports the candidate",
            f -> f.updates.mode = Updates.Mode.Notify,
            decision(
                State.Available,
                "Available: candidate " + NEW + " fixes 3 findings (updates.mode is Notify)")),
        row(
            "Notify reports one fix in the singular",
            f -> {
              f.updates.mode = Updates.Mode.Notify;
              f.assessment(Status.Verified, 1, 0);
            },
            decision(
                State.Available,
                "Available: candidate " + NEW + " fixes 1 finding (updates.mode is Notify)")),
        row(
            "Notify still applies the requirements",
            f -> {
              f.updates.mode = Updates.Mode.Notify;
              f.assessment(Status.Unsigned, 3, 0);
            },
            decision(State.Blocked, "Blocked: candidate unsigned")),
        row(
            "a same-tag rebuild without fixes is not rolled out",
            f -> f.assessment(Status.Verified, 0, 0),
            decision(
                State.Available,
                "Available: candidate "
                    + NEW
                    + " fixes no findings; rebuilds without fixes are not rolled out")),
        row(
            "a newer SemVer tag is rolled out without fixes",
            f -> {
              f.updates.strategy = Updates.Strategy.SemverPatch;
              f.candidateTag("1.4.1");
              f.assessment(Status.Verified, 0, 0);
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to 1.4.1@sha256:bbbbbbbbbbbb by PinDigest",
                start(RolloutMethod.PinDigest, "1.4.1"),
                NOW.plusSeconds(15))));
  }

  static Stream<Arguments> kindsAndMethods() {
    return Stream.of(
        row(
            "a Job is never rolled out",
            f -> f.kind = WorkloadKind.Job,
            decision(
                State.Blocked,
                "Blocked: a Job cannot be rolled out (only Deployment, StatefulSet, DaemonSet and"
                    + " CronJob pod templates can be changed)")),
        row(
            "a bare Pod is never rolled out",
            f -> f.kind = WorkloadKind.Pod,
            decision(
                State.Blocked,
                "Blocked: a Pod cannot be rolled out (only Deployment, StatefulSet, DaemonSet and"
                    + " CronJob pod templates can be changed)")),
        row(
            "a StatefulSet rolls out like a Deployment",
            f -> f.kind = WorkloadKind.StatefulSet,
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "a DaemonSet rolls out like a Deployment",
            f -> f.kind = WorkloadKind.DaemonSet,
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "a CronJob is rolled out at once",
            f -> f.kind = WorkloadKind.CronJob,
            new Decision(
                State.RolledOut,
                "RolledOut: the next runs of the CronJob use " + NEW,
                start(RolloutMethod.PinDigest, "1.4.0"),
                null)),
        row(
            "Auto pins the digest with IfNotPresent",
            f -> {},
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "Auto restarts with Always and a tag",
            f -> f.pullPolicy = "Always",
            rollingOut(RolloutMethod.Restart, "1.4.0")),
        row(
            "Auto pins when the image is already pinned by digest",
            f -> {
              f.pullPolicy = "Always";
              f.image = IMAGE + "@" + RUNNING;
            },
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "Auto pins when the candidate has another tag",
            f -> {
              f.pullPolicy = "Always";
              f.updates.strategy = Updates.Strategy.SemverPatch;
              f.candidateTag("1.4.1");
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to 1.4.1@sha256:bbbbbbbbbbbb by PinDigest",
                start(RolloutMethod.PinDigest, "1.4.1"),
                NOW.plusSeconds(15))),
        row(
            "Auto restarts for :latest without a pull policy (the default is Always)",
            f -> {
              f.pullPolicy = null;
              f.image = "registry.example.com/team/web";
              f.candidate =
                  new Candidate(
                      ImageReference.parse("registry.example.com/team/web:latest"),
                      CANDIDATE,
                      null);
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to latest@sha256:bbbbbbbbbbbb by Restart",
                new RolloutAction.StartRollout(
                    RolloutMethod.Restart,
                    ImageReference.parse("registry.example.com/team/web:latest@" + CANDIDATE),
                    RUNNING,
                    "web-updates"),
                NOW.plusSeconds(15))),
        row(
            "Auto pins a versioned tag without a pull policy (the default is IfNotPresent)",
            f -> f.pullPolicy = null,
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "PinDigest pins even with Always",
            f -> {
              f.pullPolicy = "Always";
              f.updates.method = Updates.Method.PinDigest;
            },
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "Restart with Always restarts",
            f -> {
              f.pullPolicy = "Always";
              f.updates.method = Updates.Method.Restart;
            },
            rollingOut(RolloutMethod.Restart, "1.4.0")),
        row(
            "Restart needs imagePullPolicy Always",
            f -> f.updates.method = Updates.Method.Restart,
            decision(State.Blocked, "Blocked: method Restart needs imagePullPolicy Always")),
        row(
            "Restart needs a reference by tag",
            f -> {
              f.pullPolicy = "Always";
              f.updates.method = Updates.Method.Restart;
              f.image = IMAGE + "@" + RUNNING;
            },
            decision(
                State.Blocked,
                "Blocked: method Restart needs an image reference by tag, not by digest")),
        row(
            "Restart cannot move to another tag",
            f -> {
              f.pullPolicy = "Always";
              f.updates.method = Updates.Method.Restart;
              f.updates.strategy = Updates.Strategy.SemverMinor;
              f.candidateTag("1.5.0");
            },
            decision(
                State.Blocked,
                "Blocked: method Restart cannot change the tag from 1.4.0 to 1.5.0")));
  }

  static Stream<Arguments> windowsAndConcurrency() {
    return Stream.of(
        row(
            "closed window waits for the next opening (Berlin, winter)",
            f -> f.window("0 2 * * *", "3h", "Europe/Berlin"),
            new Decision(
                State.Waiting,
                "Waiting: next maintenance window opens at 2026-11-23T01:00:00Z",
                NONE,
                Instant.parse("2026-11-23T01:00:00Z"))),
        row(
            "window open at its first instant",
            f -> {
              f.window("0 2 * * *", "3h", "Europe/Berlin");
              f.now = Instant.parse("2026-11-23T01:00:00Z");
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to " + NEW + " by PinDigest",
                start(RolloutMethod.PinDigest, "1.4.0"),
                Instant.parse("2026-11-23T01:00:15Z"))),
        row(
            "window closed at its end",
            f -> {
              f.window("0 2 * * *", "3h", "Europe/Berlin");
              f.now = Instant.parse("2026-11-23T04:00:00Z");
            },
            new Decision(
                State.Waiting,
                "Waiting: next maintenance window opens at 2026-11-24T01:00:00Z",
                NONE,
                Instant.parse("2026-11-24T01:00:00Z"))),
        row(
            "window follows summer time",
            f -> {
              f.window("0 2 * * *", "3h", "Europe/Berlin");
              f.now = Instant.parse("2026-07-01T23:59:00Z");
            },
            new Decision(
                State.Waiting,
                "Waiting: next maintenance window opens at 2026-07-02T00:00:00Z",
                NONE,
                Instant.parse("2026-07-02T00:00:00Z"))),
        row(
            "window that spans midnight is open the next morning",
            f -> {
              f.window("0 23 * * *", "3h", "UTC");
              f.now = Instant.parse("2026-11-23T01:30:00Z");
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to " + NEW + " by PinDigest",
                start(RolloutMethod.PinDigest, "1.4.0"),
                Instant.parse("2026-11-23T01:30:15Z"))),
        row(
            "invalid window time zone blocks",
            f -> f.window("0 2 * * *", "3h", "Mars/Olympus"),
            decision(
                State.Blocked,
                "Blocked: invalid maintenance window: timeZone: 'Mars/Olympus' is not a known IANA"
                    + " time zone")),
        row(
            "requirements are checked before the window",
            f -> {
              f.window("0 2 * * *", "3h", "Europe/Berlin");
              f.assessment(Status.Unsigned, 3, 0);
            },
            decision(State.Blocked, "Blocked: candidate unsigned")),
        row(
            "cluster-wide limit reached",
            f -> f.concurrency = new RolloutConcurrency(2, 2, 0),
            new Decision(
                State.Waiting,
                "Waiting: 2 rollouts in progress (limit 2)",
                NONE,
                NOW.plusSeconds(60))),
        row(
            "cluster-wide limit of one",
            f -> f.concurrency = new RolloutConcurrency(1, 1, 0),
            new Decision(
                State.Waiting,
                "Waiting: 1 rollout in progress (limit 1)",
                NONE,
                NOW.plusSeconds(60))),
        row(
            "policy limit reached",
            f -> f.concurrency = new RolloutConcurrency(1, 5, 1),
            new Decision(
                State.Waiting,
                "Waiting: 1 rollout of policy web-updates in progress (limit 1)",
                NONE,
                NOW.plusSeconds(60))),
        row(
            "policy limit with room",
            f -> {
              f.concurrency = new RolloutConcurrency(1, 5, 1);
              f.updates.maxConcurrentRollouts = 2;
            },
            rollingOut(RolloutMethod.PinDigest, "1.4.0")),
        row(
            "the window is checked before the limits",
            f -> {
              f.window("0 2 * * *", "3h", "Europe/Berlin");
              f.concurrency = new RolloutConcurrency(2, 2, 0);
            },
            new Decision(
                State.Waiting,
                "Waiting: next maintenance window opens at 2026-11-23T01:00:00Z",
                NONE,
                Instant.parse("2026-11-23T01:00:00Z"))));
  }

  static Stream<Arguments> inFlight() {
    return Stream.of(
        row(
            "another container's rollout on the workload",
            f -> f.annotation("sidecar", OTHER, RolloutPhase.RollingOut, STARTED),
            new Decision(
                State.Waiting,
                "Waiting: a rollout of container sidecar to sha256:dddddddddddd is in progress on"
                    + " this workload",
                NONE,
                NOW.plusSeconds(15))),
        row(
            "in progress is watched",
            f -> {
              f.annotation("web", CANDIDATE, RolloutPhase.RollingOut, STARTED);
              f.progress = Progress.inProgress("1 of 3 replicas updated");
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to sha256:bbbbbbbbbbbb since 2026-11-22T11:59:00Z",
                new RolloutAction.Watch(),
                NOW.plusSeconds(15))),
        row(
            "in progress close to the deadline is looked at when it passes",
            f -> {
              f.annotation("web", CANDIDATE, RolloutPhase.RollingOut, NOW.minusSeconds(595));
              f.progress = Progress.inProgress("1 of 3 replicas updated");
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to sha256:bbbbbbbbbbbb since 2026-11-22T11:50:05Z",
                new RolloutAction.Watch(),
                NOW.plusSeconds(5))),
        row(
            "succeeded is finished",
            f -> {
              f.annotation("web", CANDIDATE, RolloutPhase.RollingOut, STARTED);
              f.progress = Progress.succeeded("3 of 3 replicas updated and available");
            },
            new Decision(
                State.RolledOut,
                "RolledOut: sha256:bbbbbbbbbbbb is running (3 of 3 replicas updated and available)",
                new RolloutAction.Finish(),
                null)),
        row(
            "failed is rolled back",
            f -> {
              f.annotation("web", CANDIDATE, RolloutPhase.RollingOut, STARTED);
              f.progress = Progress.failed("Deployment ProgressDeadlineExceeded");
            },
            new Decision(
                State.RolledBack,
                "RolledBack: Deployment ProgressDeadlineExceeded; restored " + IMAGE,
                new RolloutAction.Rollback(),
                null)),
        row(
            "failed stays in place without rollback.onFailure",
            f -> {
              f.annotation("web", CANDIDATE, RolloutPhase.RollingOut, STARTED);
              f.progress = Progress.failed("Deployment ProgressDeadlineExceeded");
              f.updates.rollback.onFailure = false;
            },
            new Decision(
                State.Failed,
                "Failed: Deployment ProgressDeadlineExceeded; left on sha256:bbbbbbbbbbbb because"
                    + " rollback.onFailure is false",
                new RolloutAction.MarkFailed(),
                null)),
        row(
            "an in-flight rollout is seen through after mode changes to Off",
            f -> {
              f.annotation("web", CANDIDATE, RolloutPhase.RollingOut, STARTED);
              f.progress = Progress.failed("Deployment ProgressDeadlineExceeded");
              f.updates.mode = Updates.Mode.Off;
            },
            new Decision(
                State.RolledBack,
                "RolledBack: Deployment ProgressDeadlineExceeded; restored " + IMAGE,
                new RolloutAction.Rollback(),
                null)),
        row(
            "an in-flight rollout is not restarted for a newer candidate",
            f -> {
              f.annotation("web", OTHER, RolloutPhase.RollingOut, STARTED);
              f.progress = Progress.inProgress("0 of 3 replicas updated");
            },
            new Decision(
                State.RollingOut,
                "RollingOut: to sha256:dddddddddddd since 2026-11-22T11:59:00Z",
                new RolloutAction.Watch(),
                NOW.plusSeconds(15))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({
    "modesAndCandidates",
    "requirements",
    "kindsAndMethods",
    "windowsAndConcurrency",
    "inFlight"
  })
  void decides(Consumer<PlanFixture> setup, Decision expected) {
    PlanFixture fixture = new PlanFixture();
    setup.accept(fixture);
    assertEquals(expected, planner.decide(fixture.input()));
  }

  @Test
  void sameInputGivesTheSameDecision() {
    PlanFixture fixture = new PlanFixture();
    PlanInput input = fixture.input();
    assertEquals(planner.decide(input), planner.decide(input));
  }

  @Test
  void inFlightRolloutWithoutProgressIsAnError() {
    PlanFixture fixture = new PlanFixture();
    fixture.annotation("web", CANDIDATE, RolloutPhase.RollingOut, STARTED);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> planner.decide(fixture.input()));
    assertEquals(
        "a rollout to " + CANDIDATE + " is in flight: the plan needs its progress", e.getMessage());
  }
}
