package dev.vigil.operator;

import dev.vigil.api.Finding;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleStatus;
import dev.vigil.api.Severity;
import dev.vigil.inventory.OsInfo;
import dev.vigil.operator.membership.Ownership;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.Platform;
import dev.vigil.scan.CheckSettingsMerger;
import dev.vigil.scan.Compliance;
import dev.vigil.scan.ComplianceEvaluator;
import dev.vigil.scan.InventoryFindings;
import dev.vigil.scan.NamedPolicy;
import dev.vigil.scan.PolicyAuthorities;
import dev.vigil.scan.ReportStatusBuilder;
import dev.vigil.scan.ScanException;
import dev.vigil.scan.ScanService;
import dev.vigil.scan.SignatureInfos;
import dev.vigil.scan.VulnerabilityFeed;
import dev.vigil.signature.Authority;
import dev.vigil.vulndb.VulnDb;
import dev.vigil.workload.ContainerImage;
import dev.vigil.workload.PullSecretResolver;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadChange;
import dev.vigil.workload.WorkloadIndex;
import dev.vigil.workload.checks.WorkloadCheckSettings;
import dev.vigil.workload.checks.WorkloadChecks;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the engines into the operator's scan loop: for each workload container in a
 * ScanSchedule's scope it applies the matching policies, scans the running digest (each digest
 * once, through the ScanService's cache), runs the workload checks and writes the ImageReport.
 * A report whose inputs have not changed is left alone, so a second run writes nothing.
 */
public final class ScanCoordinator implements ScanRunner, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScanCoordinator.class);
  static final String REASON_SCAN_FAILED = "ScanFailed";
  static final String REASON_CRITICAL = "CriticalVulnerability";
  private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  private static final Duration MAX_RETRY = Duration.ofMinutes(30);

  /** What processing one container came to. */
  enum Outcome {
    Scanned,
    FromCache,
    Failed,
    /** Another replica owns the image: it scans it and writes the report. */
    Elsewhere
  }

  private final WorkloadIndex workloads;
  private final PolicyIndex policies;
  private final ScheduleIndex schedules;
  private final PullSecretResolver pullSecrets;
  private final ImageSource registry;
  private final ScanService scans;
  private final VulnerabilityFeed feed;
  private final ReportWriter reports;
  private final ReportStatusBuilder builder;
  private final EventRecorder events;
  private final OperatorSettings settings;
  private final Platform platform;
  private final ExecutorService workers;
  private final ScheduledExecutorService retries;
  private final io.fabric8.kubernetes.client.KubernetesClient client;
  private final UpdateStep updates;
  private final WorkloadLocks locks;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private volatile Ownership ownership = Ownership.EVERYTHING;
  private volatile boolean leading;
  private volatile boolean active;
  private volatile boolean stopped;

  public ScanCoordinator(io.fabric8.kubernetes.client.KubernetesClient client, WorkloadIndex workloads,
      PolicyIndex policies, ScheduleIndex schedules, PullSecretResolver pullSecrets, ImageSource registry,
      ScanService scans, VulnerabilityFeed feed, ReportWriter reports, ReportStatusBuilder builder,
      EventRecorder events, OperatorSettings settings, Platform platform, ExecutorService workers,
      ScheduledExecutorService retries, UpdateStep updates, WorkloadLocks locks) {
    this.client = client;
    this.locks = locks;
    this.updates = updates;
    this.workloads = workloads;
    this.policies = policies;
    this.schedules = schedules;
    this.pullSecrets = pullSecrets;
    this.registry = registry;
    this.scans = scans;
    this.feed = feed;
    this.reports = reports;
    this.builder = builder;
    this.events = events;
    this.settings = settings;
    this.platform = platform;
    this.workers = workers;
    this.retries = retries;
  }

  /** Starts reacting to events; until then (a replica still starting) events are ignored. */
  public void activate() {
    active = true;
  }

  /**
   * Which images this replica analyses (docs/architecture.md, "Replicas"); everything until
   * called. A change of members re-checks every covered workload, so a share that became this
   * replica's is scanned (reports already up to date are left alone).
   */
  void shareWith(Ownership ownership) {
    this.ownership = ownership;
    ownership.onChange(this::onPolicyChange);
  }

  /**
   * From now on this replica also does the leader's part: update steps (rollouts), and deleting
   * the reports of deleted workloads and lost containers, for every workload whoever scans it.
   * One writer for those keeps a workload from being patched twice.
   */
  void lead() {
    leading = true;
  }

  /** Stops for good: events are ignored and scheduled runs refused (the operator is stopping). */
  public void deactivate() {
    stopped = true;
    active = false;
  }

  /** Workload events: a new workload or image is scanned at once, not at the next run. */
  public void onWorkloadChange(WorkloadChange change) {
    if (!active || stopped) {
      return;
    }
    if (change.type() == WorkloadChange.Type.Deleted) {
      if (!leading) {
        return;
      }
      submit(() -> reports.deleteAll(change.namespace(), change.kind().name(), change.name()));
      return;
    }
    workloads.workload(change.kind(), change.namespace(), change.name())
        .filter(schedules::covers)
        .ifPresent(this::enqueue);
  }

  /** Policy changes re-judge every covered workload (cached analyses make this cheap). */
  public void onPolicyChange() {
    if (!active || stopped) {
      return;
    }
    submit(() -> workloads.workloads(workloads.namespaces(null), null).stream()
        .filter(schedules::covers).forEach(this::enqueue));
  }

  private void submit(Runnable task) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException stopping) {
      LOG.debug("not started: stopping");
    }
  }

  /** One scheduled run over a schedule's scope; completes with the run's figures. */
  @Override
  public CompletableFuture<ScanScheduleStatus.LastRun> run(ScanSchedule schedule) {
    if (stopped) {
      return CompletableFuture.failedFuture(new IllegalStateException("the operator is stopping"));
    }
    Instant start = settings.clock().instant();
    // The scope comes from informer caches, so it is cheap to take on the caller's thread; the
    // run itself never blocks a scan thread waiting for other scan threads (no pool deadlock).
    List<Workload> scope;
    try {
      scope = schedules.scope(schedule);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Set<String> digests = ConcurrentHashMap.newKeySet();
    AtomicInteger scanned = new AtomicInteger();
    AtomicInteger cached = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    try {
      for (Workload w : scope) {
        all.add(CompletableFuture.runAsync(() -> process(w, (digest, outcome) -> {
          if (digest != null) {
            digests.add(digest);
          }
          switch (outcome) {
            case Scanned -> scanned.incrementAndGet();
            case FromCache -> cached.incrementAndGet();
            case Failed -> failed.incrementAndGet();
            case Elsewhere -> { }
          }
        }), workers));
      }
    } catch (RejectedExecutionException stopping) {
      return CompletableFuture.failedFuture(new IllegalStateException("the operator is stopping"));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
      ScanScheduleStatus.LastRun run = new ScanScheduleStatus.LastRun();
      run.startTime = start.truncatedTo(ChronoUnit.SECONDS).toString();
      run.completionTime = settings.clock().instant().truncatedTo(ChronoUnit.SECONDS).toString();
      run.workloads = scope.size();
      run.images = digests.size();
      run.scanned = scanned.get();
      run.fromCache = cached.get();
      run.failed = failed.get();
      return run;
    });
  }

  private void enqueue(Workload workload) {
    String key = key(workload);
    if (stopped || !queued.add(key)) {
      return;
    }
    try {
      workers.execute(() -> {
        queued.remove(key);
        workloads.workload(workload.kind(), workload.namespace(), workload.name())
            .ifPresent(w -> process(w, (d, o) -> {}));
      });
    } catch (RejectedExecutionException stopping) {
      queued.remove(key);
    }
  }

  /** Scans every container of one workload and removes reports of containers it lost. */
  void process(Workload workload, BiConsumer<String, Outcome> outcome) {
    locks.with(workload, () -> processLocked(workload, outcome));
  }

  private void processLocked(Workload workload, BiConsumer<String, Outcome> outcome) {
    List<ContainerImage> images = workloads.images(workload);
    Set<String> names = new HashSet<>();
    for (ContainerImage image : images) {
      names.add(image.container());
      String digest = image.digest();
      Outcome result = Outcome.Elsewhere;
      boolean own = ownership.owns(shareKey(image));
      try {
        if (own) {
          ContainerResult r = processContainer(workload, image);
          digest = r.digest();
          result = r.outcome();
          failures.remove(key(workload) + "/" + image.container());
        } else {
          reports.forget(workload, image.container());
        }
        // Also when the report was up to date: a moved tag does not change the running digest.
        if (leading) {
          updates.run(workload, image.container());
        }
      } catch (ScanException | RuntimeException e) {
        result = Outcome.Failed;
        fail(workload, image, e);
      }
      if (result != Outcome.Elsewhere) {
        outcome.accept(digest, result);
      }
    }
    if (!leading) {
      return;
    }
    try {
      reports.deleteStale(workload, names);
    } catch (RuntimeException e) {
      LOG.warn("could not clean up reports of {}/{}: {}", workload.namespace(), workload.name(), e.getMessage());
    }
  }

  /**
   * What decides which replica analyses a container's image: the digest its pods run, else the
   * digest the reference pins, else the reference itself (its owner resolves the tag, so a tag is
   * resolved by one replica, not by all).
   */
  static String shareKey(ContainerImage image) {
    if (image.digest() != null) {
      return image.digest();
    }
    try {
      String pinned = ImageReference.parse(image.reference()).digest();
      if (pinned != null) {
        return pinned;
      }
    } catch (IllegalArgumentException e) {
      // Not a valid reference: its owner reports that; any stable key will do.
    }
    return image.reference();
  }

  private record ContainerResult(String digest, Outcome outcome) {}

  private ContainerResult processContainer(Workload workload, ContainerImage image) throws ScanException {
    ImageReference reference;
    try {
      reference = ImageReference.parse(image.reference());
    } catch (IllegalArgumentException e) {
      throw new ScanException(ScanException.Kind.Image, "image reference '" + image.reference() + "': " + e.getMessage(), e);
    }
    List<PolicyIndex.Applicable> applicable = policies.applicable(workload, image.reference());
    List<NamedPolicy> named = applicable.stream().map(PolicyIndex.Applicable::policy).toList();
    ImageSource source = registry.withCredentials(pullSecrets.credentialsFor(workload));
    String digest = image.digest() != null ? image.digest()
        : ScanService.resolveDigest(source, reference, platform);

    ImageReport existing = reports.existing(workload, image.container());
    if (existing != null) {
      for (String snapshot : snapshotsItMayHaveUsed(existing)) {
        if (ReportWriter.upToDate(existing, inputs(workload, image, digest, applicable, snapshot))) {
          reports.observe(existing);
          return new ContainerResult(digest, Outcome.FromCache);
        }
      }
    }

    Authorities authorities = authorities(applicable);
    ScanService.Result result = scans.scanNow(new ScanService.Request(source, reference, digest, platform,
        CheckSettingsMerger.merge(named), authorities.list()));
    List<Finding> extra = new ArrayList<>(InventoryFindings.from(result.analysis().inventory()));
    extra.addAll(workloadFindings(workload, image, named));
    List<Finding> all = new ArrayList<>(result.analysis().findings());
    all.addAll(extra);
    ImageReportStatus.SignatureInfo signature = signature(named, authorities, result);
    Compliance compliance = ComplianceEvaluator.evaluate(named, result.vulnerabilities(), all, signature,
        LocalDate.ofInstant(settings.clock().instant(), ZoneOffset.UTC));
    ImageReportStatus status = builder.build(image.reference(), result.analysis(), result.vulnDb(), extra,
        signature, compliance, null);
    status.workload = ReportWriter.workloadRef(workload, image);
    String inputs = inputs(workload, image, result.analysis().manifestDigest(), applicable,
        result.vulnDb() == null ? null : result.vulnDb().snapshot());
    if (!ownership.owns(shareKey(image))) {
      // The members changed during the scan and another replica owns this image now: it writes
      // the report, so two replicas never write one report with different scan times.
      LOG.debug("not writing {}/{} container {}: owned by another replica now", workload.namespace(),
          workload.name(), image.container());
      return new ContainerResult(result.analysis().manifestDigest(), Outcome.Elsewhere);
    }
    announceNewCriticals(workload, image, existing, status);
    reports.write(workload, image, status, inputs);
    return new ContainerResult(result.analysis().manifestDigest(),
        result.fromCache() ? Outcome.FromCache : Outcome.Scanned);
  }

  private List<Finding> workloadFindings(Workload workload, ContainerImage image, List<NamedPolicy> named) {
    List<WorkloadCheckSettings> perPolicy = named.isEmpty() ? List.of(WorkloadCheckSettings.defaults())
        : named.stream().map(p -> WorkloadCheckSettings.fromPolicy(p.spec().checks, p.spec().registries)).toList();
    Map<String, Finding> merged = new LinkedHashMap<>();
    for (WorkloadCheckSettings s : perPolicy) {
      for (Finding f : new WorkloadChecks().run(workload, image.container(), image.containerType(), s)) {
        merged.merge(f.getId() + "|" + f.getEvidence(), f,
            (a, b) -> a.getSeverity().atLeast(b.getSeverity()) ? a : b);
      }
    }
    return new ArrayList<>(merged.values());
  }

  /** Authorities of the policies that ask for signatures, or why they cannot be built. */
  private record Authorities(List<Authority> list, String problem) {}

  private Authorities authorities(List<PolicyIndex.Applicable> applicable) {
    List<Authority> out = new ArrayList<>();
    for (PolicyIndex.Applicable a : applicable) {
      ImagePolicySpec.Signatures s = a.policy().spec().signatures;
      if (s == null || s.mode == ImagePolicySpec.Signatures.Mode.Off) {
        continue;
      }
      try {
        out.addAll(PolicyAuthorities.from(s, new ClusterKeyMaterial(client, a.namespace())));
      } catch (PolicyAuthorities.InvalidAuthorityException e) {
        return new Authorities(List.of(), "policy " + a.policy().name() + ": " + e.getMessage());
      }
    }
    return new Authorities(out, null);
  }

  private static ImageReportStatus.SignatureInfo signature(List<NamedPolicy> named, Authorities authorities,
      ScanService.Result result) {
    if (named.isEmpty()) {
      return null;
    }
    if (authorities.problem() != null) {
      ImageReportStatus.SignatureInfo error = new ImageReportStatus.SignatureInfo();
      error.status = ImageReportStatus.SignatureInfo.Status.Error;
      error.reason = authorities.problem();
      return error;
    }
    if (result.signature() == null) {
      return SignatureInfos.notRequired();
    }
    return SignatureInfos.from(result.signature());
  }

  /** Everything a report depends on; when none of it changed the report is not rewritten. */
  private String inputs(Workload workload, ContainerImage image, String digest,
      List<PolicyIndex.Applicable> applicable, String snapshot) {
    StringBuilder b = new StringBuilder()
        .append("scanner=").append(builder.scanner())
        .append("|digest=").append(digest)
        .append("|platform=").append(platform)
        .append("|db=").append(snapshot)
        .append("|workload=").append(workload.uid()).append(':').append(workload.resource().getMetadata().getGeneration())
        .append("|container=").append(image.container()).append(':').append(image.reference());
    applicable.forEach(a -> b.append("|policy=").append(a.version()));
    return ReportWriter.sha256(b.toString()).substring(0, 32);
  }

  /**
   * The vulnerability-data snapshots a report's inputs may name, without analysing the image
   * again: with an OS, the data for that OS; without one (distroless, scratch) the report does not
   * say whether the image holds language packages, so both the data loaded now and no data at all
   * (an image with nothing to match) are tried. Without this an image without an OS was taken
   * through the scan service on every run.
   */
  private List<String> snapshotsItMayHaveUsed(ImageReport existing) throws ScanException {
    OsInfo knownOs = knownOs(existing);
    if (knownOs != null) {
      return Collections.singletonList(feed.snapshotFor(knownOs));
    }
    String loaded = feed.current().map(VulnDb::snapshotId).orElse(null);
    return loaded == null ? Collections.singletonList(null) : Arrays.asList(loaded, null);
  }

  private static OsInfo knownOs(ImageReport report) {
    if (report == null || report.getStatus() == null || report.getStatus().image == null
        || report.getStatus().image.os == null) {
      return null;
    }
    ImageReportStatus.OsRef os = report.getStatus().image.os;
    return new OsInfo(os.family, os.version, null, Boolean.TRUE.equals(os.endOfLife), null);
  }

  private void announceNewCriticals(Workload workload, ContainerImage image, ImageReport existing,
      ImageReportStatus next) {
    Set<String> before = existing == null || existing.getStatus() == null ? Set.of() : criticals(existing.getStatus());
    Set<String> now = criticals(next);
    Set<String> added = new TreeSet<>(now);
    added.removeAll(before);
    if (!added.isEmpty()) {
      events.publish(workload.resource(), EventRecorder.Type.Warning, REASON_CRITICAL,
          added.size() + " new Critical finding" + (added.size() == 1 ? "" : "s") + " in container "
              + image.container() + " (" + image.reference() + "): " + String.join(", ", added));
    }
  }

  private static Set<String> criticals(ImageReportStatus status) {
    Set<String> ids = new TreeSet<>();
    status.vulnerabilities.stream().filter(v -> v.severity == Severity.Critical).forEach(v -> ids.add(v.id));
    status.findings.stream().filter(f -> f.getSeverity() == Severity.Critical).forEach(f -> ids.add(f.getId()));
    return ids;
  }

  private void fail(Workload workload, ContainerImage image, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (stopped || Thread.currentThread().isInterrupted()) {
      // The operator is stopping: the scan did not fail, it was cut short; the next leader redoes it.
      LOG.info("scan of {} {}/{} container {} stopped by shutdown: {}", workload.kind(), workload.namespace(),
          workload.name(), image.container(), message);
      return;
    }
    LOG.warn("scan of {} {}/{} container {} failed: {}", workload.kind(), workload.namespace(),
        workload.name(), image.container(), message);
    try {
      reports.markFailed(workload, image, message);
    } catch (RuntimeException write) {
      LOG.warn("could not record the failed scan: {}", write.getMessage());
    }
    events.publish(workload.resource(), EventRecorder.Type.Warning, REASON_SCAN_FAILED,
        "scan of container " + image.container() + " (" + image.reference() + ") failed: " + message);
    String key = key(workload) + "/" + image.container();
    int attempt = failures.merge(key, 1, Integer::sum);
    long delay = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempt - 1, 10));
    try {
      retries.schedule(() -> enqueue(workload), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      LOG.debug("not retrying {}: stopping", key);
    }
  }

  private static String key(Workload w) {
    return w.kind() + "/" + w.namespace() + "/" + w.name();
  }

  /** Stops taking work: events, retries and runs that start from now on are ignored. */
  @Override
  public void close() {
    stopped = true;
    retries.shutdownNow();
  }
}
