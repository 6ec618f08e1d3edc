package dev.vigil.operator;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.ImageReportStatus.Update;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryException;
import dev.vigil.rollout.Candidate;
import dev.vigil.rollout.CandidateAssessment;
import dev.vigil.rollout.CandidateFinder;
import dev.vigil.rollout.Decision;
import dev.vigil.rollout.MalformedRolloutAnnotationException;
import dev.vigil.rollout.PlanInput;
import dev.vigil.rollout.Progress;
import dev.vigil.rollout.RolloutAction;
import dev.vigil.rollout.RolloutAnnotation;
import dev.vigil.rollout.RolloutExecutor;
import dev.vigil.rollout.RolloutPhase;
import dev.vigil.rollout.RolloutPlanner;
import dev.vigil.rollout.UpdateHistory;
import dev.vigil.rollout.WorkloadChangedException;
import dev.vigil.scan.CheckSettingsMerger;
import dev.vigil.scan.PolicyAuthorities;
import dev.vigil.scan.ScanException;
import dev.vigil.scan.ScanService;
import dev.vigil.scan.SignatureInfos;
import dev.vigil.signature.Authority;
import dev.vigil.workload.ContainerImage;
import dev.vigil.workload.PullSecretResolver;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update step for one workload container (docs/rollouts.md): find the candidate the governing
 * policy's strategy allows, scan it like the running image, compare the two, let the {@link
 * RolloutPlanner} decide, carry the decision out with the {@link RolloutExecutor} and record it.
 * Steps for the same workload never overlap; every step reads the workload from the API server
 * first, so a rollout another step (or an operator before a restart) recorded is seen.
 */
final class UpdateStep {

  private static final Logger LOG = LoggerFactory.getLogger(UpdateStep.class);

  /** Tells when to run the step again for a decision that names a time. */
  interface Rechecks {
    void at(Workload workload, String container, Instant when);
  }

  private final KubernetesClient client;
  private final WorkloadIndex workloads;
  private final PolicyIndex policies;
  private final PullSecretResolver pullSecrets;
  private final ImageSource registry;
  private final ScanService scans;
  private final ReportWriter reports;
  private final UpdateRecorder recorder;
  private final InFlightRollouts inFlight;
  private final RolloutExecutor executor;
  private final RolloutPlanner planner = new RolloutPlanner();
  private final Platform platform;
  private final Clock clock;
  private final WorkloadLocks locks;
  private volatile Rechecks rechecks = (w, c, t) -> {};

  UpdateStep(KubernetesClient client, WorkloadIndex workloads, PolicyIndex policies,
      PullSecretResolver pullSecrets, ImageSource registry, ScanService scans, ReportWriter reports,
      UpdateRecorder recorder, InFlightRollouts inFlight, WorkloadLocks locks, Platform platform,
      Clock clock) {
    this.client = client;
    this.locks = locks;
    this.workloads = workloads;
    this.policies = policies;
    this.pullSecrets = pullSecrets;
    this.registry = registry;
    this.scans = scans;
    this.reports = reports;
    this.recorder = recorder;
    this.inFlight = inFlight;
    this.executor = new RolloutExecutor(client, clock);
    this.platform = platform;
    this.clock = clock;
  }

  void onRecheck(Rechecks listener) {
    this.rechecks = listener;
  }

  /**
   * Runs the step for one container. Failures are logged and leave the report's update as it was;
   * the next scan, watch tick or push runs the step again.
   */
  void run(Workload workload, String container) {
    String key = workload.kind() + " " + workload.namespace() + "/" + workload.name();
    locks.with(workload, () -> {
      try {
        runLocked(workload, container);
      } catch (WorkloadChangedException e) {
        LOG.debug("{} changed while updating container {}; planning again later", key, container);
      } catch (ScanException | RegistryException | RuntimeException e) {
        LOG.warn("update step for {} container {} failed: {}", key, container, e.getMessage());
      }
    });
  }

  private void runLocked(Workload cached, String container) throws ScanException, RegistryException {
    if (!concerned(cached, container)) {
      return;
    }
    Optional<Workload> fresh = read(cached);
    if (fresh.isEmpty()) {
      return;
    }
    Workload workload = fresh.get();
    ContainerImage image = workloads.images(workload).stream()
        .filter(i -> i.container().equals(container)).findFirst().orElse(null);
    if (image == null) {
      return;
    }
    ImageReport report = reports.fetch(workload, container);
    Update previous = report == null || report.getStatus() == null ? null : report.getStatus().update;
    List<PolicyIndex.Applicable> applicable = policies.applicable(workload, image.reference());
    Optional<UpdateRules> rules = UpdateRules.of(applicable);

    RolloutAnnotation annotation;
    try {
      annotation = RolloutAnnotation.read(workload.resource()).orElse(null);
    } catch (MalformedRolloutAnnotationException e) {
      if (rules.isPresent()) {
        record(workload, container, previous, new Decision(State.Blocked, "Blocked: " + e.getMessage(),
            RolloutAction.NONE, null), null, null);
      }
      return;
    }
    boolean rollingOutHere = annotation != null && annotation.phase() == RolloutPhase.RollingOut
        && annotation.container().equals(container);
    if (rules.isEmpty() && !rollingOutHere) {
      return;
    }
    // A rollout in flight is seen through even when its policy has gone since.
    UpdateRules effective = rules.orElseGet(() -> new UpdateRules(annotation.policy(),
        new ImagePolicySpec.Updates(), ImagePolicySpec.Signatures.Mode.Off, null, List.of()));
    ImageReference reference = ImageReference.parse(image.reference());
    ImageSource source = registry.withCredentials(pullSecrets.credentialsFor(workload));
    String runningDigest = image.digest() != null ? image.digest()
        : ScanService.resolveDigest(source, reference, platform);
    Set<String> failed = new TreeSet<>(UpdateHistory.failedDigests(previous));

    Candidate candidate = null;
    CandidateAssessment assessment = null;
    ImageReportStatus.Candidate shown = previous == null ? null : previous.candidate;
    Progress progress = null;
    if (rollingOutHere) {
      progress = executor.progress(workload, Duration.ofSeconds(deadlineSeconds(effective.updates())));
    } else if (annotation == null || annotation.phase() != RolloutPhase.RollingOut) {
      try {
        candidate = new CandidateFinder(source)
            .find(reference, runningDigest, effective.updates().strategy, platform).orElse(null);
      } catch (IllegalArgumentException e) {
        record(workload, container, previous, new Decision(State.Blocked, "Blocked: " + e.getMessage(),
            RolloutAction.NONE, null), null, null);
        return;
      }
      shown = null;
      if (candidate != null && worthAssessing(candidate, annotation, container, failed)) {
        Assessed assessed = assess(source, reference, runningDigest, candidate, applicable, effective);
        assessment = assessed.assessment();
        shown = assessed.shown();
      } else if (candidate != null) {
        shown = shownWithoutScan(candidate, previous);
      }
    }
    Decision decision = planner.decide(new PlanInput(effective.policy(), effective.updates(),
        effective.signatureMode(), effective.failOn(), workload.kind(), container, reference,
        image.imagePullPolicy(), runningDigest, candidate, assessment, annotation, progress, failed,
        inFlight.concurrency(workload.namespace(), effective.policy()), clock.instant()));
    Acted acted = act(workload, container, decision);
    record(workload, container, previous, acted.decision(), shown, acted);
    // As it turned out: a start the API server refused plans no watch of a rollout that never began.
    Decision outcome = acted.decision();
    if (outcome.nextCheck() != null && !(outcome.action() instanceof RolloutAction.Watch)
        && outcome.state() != State.RolledOut) {
      rechecks.at(workload, container, outcome.nextCheck());
    }
  }

  /** What carrying out a decision did: the decision as it turned out, and the history entry. */
  private record Acted(Decision decision, RolloutAnnotation concluded, State finished) {}

  private Acted act(Workload workload, String container, Decision decision) {
    try {
      return carryOut(workload, container, decision);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      // A read-only install (config/default without the rollout component) may decide but not
      // patch: say so where the decision is read, instead of failing the step on every scan.
      String reason = "Blocked: Vigil may not patch " + workload.kind() + " " + workload.namespace() + "/"
          + workload.name() + " (add the config/rollout RBAC component, or set updates.mode to Notify)";
      LOG.warn("{} container {}: {} instead: {}", workload.kind() + " " + workload.namespace() + "/"
          + workload.name(), container, decision.reason(), e.getMessage());
      return new Acted(new Decision(State.Blocked, reason, RolloutAction.NONE, null), null, null);
    }
  }

  private Acted carryOut(Workload workload, String container, Decision decision) {
    RolloutAction action = decision.action();
    if (action instanceof RolloutAction.StartRollout) {
      RolloutAnnotation started = executor.start(workload, container, decision);
      LOG.info("{} {}/{} container {}: {}", workload.kind(), workload.namespace(), workload.name(),
          container, decision.reason());
      // A CronJob is rolled out by the patch itself: its next runs use the new template.
      return started.phase() == RolloutPhase.RolledOut
          ? new Acted(decision, started, State.RolledOut) : new Acted(decision, null, null);
    }
    if (action instanceof RolloutAction.Finish) {
      return new Acted(decision, executor.finish(workload), State.RolledOut);
    }
    if (action instanceof RolloutAction.MarkFailed) {
      return new Acted(decision, executor.markFailed(workload), State.Failed);
    }
    if (action instanceof RolloutAction.Rollback) {
      RolloutAnnotation after = executor.rollback(workload);
      if (after.phase() == RolloutPhase.Failed) {
        Decision failed = new Decision(State.Failed, "Failed: the rollout to "
            + after.to() + " failed and container " + container
            + " was meanwhile changed to another image, which is left alone", decision.action(), null);
        return new Acted(failed, after, State.Failed);
      }
      return new Acted(decision, after, State.RolledBack);
    }
    return new Acted(decision, null, null);
  }

  private void record(Workload workload, String container, Update previous, Decision decision,
      ImageReportStatus.Candidate shown, Acted acted) {
    Update next = UpdateRecorder.next(previous, decision, decision.state() == State.None ? null : shown);
    State finished = acted == null ? null : acted.finished();
    if (finished != null && acted.concluded() != null) {
      UpdateHistory.record(next, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
          acted.concluded().from(), acted.concluded().to(), finished);
    }
    recorder.record(workload, container, previous, next, finished);
  }

  /** Candidates already tried, or one a rollout is recorded for, need no scan. */
  private static boolean worthAssessing(Candidate candidate, RolloutAnnotation annotation, String container,
      Set<String> failed) {
    if (failed.contains(candidate.digest())) {
      return false;
    }
    return annotation == null || !annotation.container().equals(container)
        || !annotation.to().equals(candidate.digest());
  }

  private static ImageReportStatus.Candidate shownWithoutScan(Candidate candidate, Update previous) {
    if (previous != null && previous.candidate != null && candidate.digest().equals(previous.candidate.digest)) {
      return previous.candidate;
    }
    ImageReportStatus.Candidate shown = new ImageReportStatus.Candidate();
    shown.tag = candidate.tag();
    shown.digest = candidate.digest();
    return shown;
  }

  private record Assessed(CandidateAssessment assessment, ImageReportStatus.Candidate shown) {}

  private Assessed assess(ImageSource source, ImageReference reference, String runningDigest,
      Candidate candidate, List<PolicyIndex.Applicable> applicable, UpdateRules rules) throws ScanException {
    ImageCheckSettings checks = CheckSettingsMerger.merge(
        applicable.stream().map(PolicyIndex.Applicable::policy).toList());
    ScanService.Result running = scans.scanNow(new ScanService.Request(source, reference, runningDigest,
        platform, checks, List.of()));
    ScanService.Result next = scans.scanNow(new ScanService.Request(source, candidate.reference(),
        candidate.digest(), platform, checks, List.of()));
    SignatureInfo.Status signature = signature(source, candidate, checks, rules);
    CandidateAssessment assessment = CandidateAssessor.assess(running, next,
        rules.failOn() == null ? dev.vigil.api.SeverityThreshold.None : rules.failOn(), signature);
    ImageReportStatus.Candidate shown = new ImageReportStatus.Candidate();
    shown.tag = candidate.tag();
    shown.digest = candidate.digest();
    shown.created = next.analysis().config().created() == null ? null
        : next.analysis().config().created().toString();
    shown.fixes = assessment.fixes();
    shown.newFindings = assessment.newFindings();
    shown.signature = signature;
    return new Assessed(assessment, shown);
  }

  /**
   * The candidate's signature status: Verified only when it verifies under the authorities of every
   * policy that requires a signature; otherwise the first failing status. NotRequired when no
   * policy asks.
   */
  private SignatureInfo.Status signature(ImageSource source, Candidate candidate, ImageCheckSettings checks,
      UpdateRules rules) throws ScanException {
    if (rules.signers().isEmpty()) {
      return SignatureInfo.Status.NotRequired;
    }
    for (PolicyIndex.Applicable signer : rules.signers()) {
      ImagePolicySpec.Signatures s = signer.policy().spec().signatures;
      if (s == null || s.mode == ImagePolicySpec.Signatures.Mode.Off) {
        return SignatureInfo.Status.NotRequired;
      }
      List<Authority> authorities;
      try {
        authorities = PolicyAuthorities.from(s, new ClusterKeyMaterial(client, signer.namespace()));
      } catch (PolicyAuthorities.InvalidAuthorityException e) {
        return SignatureInfo.Status.Error;
      }
      ScanService.Result result = scans.scanNow(new ScanService.Request(source, candidate.reference(),
          candidate.digest(), platform, checks, authorities));
      SignatureInfo.Status status = result.signature() == null ? SignatureInfo.Status.NotRequired
          : SignatureInfos.from(result.signature()).status;
      if (status != SignatureInfo.Status.Verified) {
        return status;
      }
    }
    return SignatureInfo.Status.Verified;
  }

  /** Cheap test on the cached workload: a policy asks for updates, or a rollout is recorded. */
  private boolean concerned(Workload cached, String container) {
    Map<String, String> annotations = cached.resource().getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(RolloutAnnotation.KEY)) {
      return true;
    }
    return workloads.images(cached).stream().filter(i -> i.container().equals(container))
        .anyMatch(i -> UpdateRules.of(policies.applicable(cached, i.reference())).isPresent());
  }

  private Optional<Workload> read(Workload cached) {
    HasMetadata current = client.resource(cached.resource()).get();
    if (current == null || (cached.uid() != null && !cached.uid().equals(current.getMetadata().getUid()))) {
      return Optional.empty();
    }
    return Workload.of(current);
  }

  private static int deadlineSeconds(ImagePolicySpec.Updates updates) {
    return updates.rollback == null || updates.rollback.progressDeadlineSeconds == null ? 600
        : updates.rollback.progressDeadlineSeconds;
  }
}
