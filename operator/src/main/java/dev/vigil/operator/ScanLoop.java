package dev.vigil.operator;

import dev.vigil.image.LayerFactsCache;
import dev.vigil.image.LayerWalker;
import dev.vigil.image.checks.ImageChecks;
import dev.vigil.inventory.InventoryAnalyzer;
import dev.vigil.metrics.ReportMetrics;
import dev.vigil.metrics.ScanMetrics;
import dev.vigil.operator.membership.Ownership;
import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryClientConfig;
import dev.vigil.scan.ImageAnalyzer;
import dev.vigil.scan.ReportStatusBuilder;
import dev.vigil.scan.ScanService;
import dev.vigil.scan.VulnerabilityFeed;
import dev.vigil.signature.CachingSignatureVerifier;
import dev.vigil.signature.ImageSignatureVerifier;
import dev.vigil.signature.RegistrySignatureStore;
import dev.vigil.signature.TrustedRoots;
import dev.vigil.vulndb.VulnDbHolder;
import dev.vigil.workload.PullSecretResolver;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds and owns the scanning side of the operator: engines, caches, indexes, threads. */
final class ScanLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScanLoop.class);

  final ScanCoordinator coordinator;
  final PolicyIndex policies;
  final ScheduleIndex schedules;
  final VulnerabilityFeed feed;
  private final boolean vulnDbEnabled;
  private final ReportCache reportCache;
  final ScanMetrics scanMetrics;
  final PushRouter pushes;
  private final RolloutWatcher watcher;
  private final ThreadPoolExecutor workers;
  private final ExecutorService layerReaders;
  private final ScheduledExecutorService timers;
  private final AnalysisCollector analyses;
  private final Duration analysisSweep;
  private boolean stopped;
  private boolean active;
  private boolean leading;

  ScanLoop(KubernetesClient client, WorkloadIndex workloads, OperatorSettings settings, ScanSettings scan,
      EventRecorder events, MeterRegistry registry, UpdateSettings updateSettings) {
    // The feed's own client: an oci:// vulnerability source lives in a registry too.
    feed = VulnerabilityFeed.forSpec(scan.vulnDb(), scan.dataDir(), settings.clock(),
        new RegistryClient(RegistryClientConfig.builder().insecureRegistries(scan.insecureRegistries()).build()));
    vulnDbEnabled = !VulnerabilityFeed.NONE.equals(scan.vulnDb());
    scanMetrics = new ScanMetrics(registry, feed::records, feed::updated);
    RegistryClient registryClient = new RegistryClient(RegistryClientConfig.builder()
        .defaultPlatform(scan.platform())
        .insecureRegistries(scan.insecureRegistries())
        .listener(scanMetrics)
        .userAgent(scan.scanner())
        .clock(settings.clock())
        .build());
    workers = (ThreadPoolExecutor) Executors.newFixedThreadPool(scan.concurrency(), named("vigil-scan"));
    layerReaders = Executors.newFixedThreadPool(Math.max(2, scan.concurrency()), named("vigil-layer"));
    timers = Executors.newScheduledThreadPool(1, named("vigil-timer"));
    ImageAnalyzer analyzer = new ImageAnalyzer(new LayerFactsCache(new LayerWalker(), scan.layerCacheBytes()),
        new InventoryAnalyzer(settings.clock(), scan.languagePackages()), new ImageChecks(), layerReaders,
        settings.clock());
    CachingSignatureVerifier signatures = new CachingSignatureVerifier(
        new ImageSignatureVerifier(new RegistrySignatureStore(registryClient),
            new TrustedRoots(scan.dataDir().resolve("sigstore-tuf"), Duration.ofDays(1)), settings.clock()),
        Duration.ofHours(1), 10_000, settings.clock());
    ScanService scans = new ScanService(analyzer, feed, signatures, workers, scan.analysisCacheSize(),
        new KubernetesAnalysisStore(client, settings.clock()), new ScanService.Listener() {
      @Override
      public void scanned(Duration duration, boolean success) {
        scanMetrics.scanFinished(duration, success ? ScanMetrics.ScanResult.SUCCESS : ScanMetrics.ScanResult.FAILURE);
      }

      @Override
      public void servedFromCache() {
        scanMetrics.scanServedFromCache();
      }
    });
    reportCache = new ReportCache(client);
    reportCache.start(Duration.ofMinutes(2));
    analyses = new AnalysisCollector(client, reportCache::referencedDigests, scan.analysisRetention(),
        settings.clock());
    analysisSweep = AnalysisCollector.interval(scan.analysisRetention());
    ReportMetrics reportMetrics = new ReportMetrics(registry, scan.perVulnerabilityMetrics());
    // The leader deletes reports for every replica: each drops the series of a deleted report.
    reportCache.onDelete(reportMetrics::remove);
    ReportWriter reports = new ReportWriter(client, reportCache, reportMetrics, settings.clock());
    policies = new PolicyIndex(client, settings.operatorNamespace(), workloads);
    schedules = new ScheduleIndex(client, settings.operatorNamespace(), workloads);
    PullSecretResolver pullSecrets = new PullSecretResolver(client);
    InFlightRollouts inFlight = new InFlightRollouts(workloads, updateSettings.clusterRolloutLimit());
    WorkloadLocks locks = new WorkloadLocks();
    UpdateStep updates = new UpdateStep(client, workloads, policies, pullSecrets, registryClient, scans, reports,
        new UpdateRecorder(reports, events, scanMetrics), inFlight, locks, scan.platform(), settings.clock());
    watcher = new RolloutWatcher(inFlight, updates, timers, workers, updateSettings.watchInterval(),
        settings.clock());
    pushes = new PushRouter(workloads, updates);
    coordinator = new ScanCoordinator(client, workloads, policies, schedules, pullSecrets,
        registryClient, scans, feed, reports,
        new ReportStatusBuilder(scan.scanner(), ReportStatusBuilder.DEFAULT_MAX_VULNERABILITIES, settings.clock()),
        events, settings, scan.platform(), workers, timers, updates, locks);
    policies.start(Duration.ofMinutes(2));
    schedules.start(Duration.ofMinutes(2));
    policies.onChange(coordinator::onPolicyChange);
    workloads.events().addListener(coordinator::onWorkloadChange);
    long refresh = scan.vulnDbRefresh().toMillis();
    timers.scheduleWithFixedDelay(this::refreshVulnDb, refresh, refresh, TimeUnit.MILLISECONDS);
  }

  /**
   * Scans only this replica's share of the images from now on (before {@link #activate()}), and
   * follows the ScanSchedules' runs the leader records, since only the leader's reconciler starts
   * them.
   */
  void shareWith(Ownership ownership) {
    coordinator.shareWith(ownership);
    schedules.onRunRecorded(schedule -> {
      if (!isLeading() && isActive()) {
        coordinator.run(schedule).whenComplete((run, error) -> {
          if (error != null) {
            LOG.warn("this replica's share of the run of ScanSchedule {}/{} failed: {}",
                schedule.getMetadata().getNamespace(), schedule.getMetadata().getName(), error.getMessage());
          }
        });
      }
    });
  }

  /**
   * Starts event-driven scanning of this replica's share and scans every covered workload once;
   * reports whose inputs did not change are left alone.
   */
  synchronized void activate() {
    if (stopped || active) {
      return;
    }
    active = true;
    coordinator.activate();
    coordinator.onPolicyChange();
  }

  /**
   * Adds the leader's part (the only replica when leader election is off): webhook-driven update
   * steps, the rollout watch, update steps and report clean-up for every workload; then goes over
   * every covered workload once for them.
   */
  synchronized void lead() {
    if (stopped || leading) {
      return;
    }
    leading = true;
    coordinator.lead();
    pushes.activate();
    watcher.start();
    // Only the leader collects: its report cache holds every replica's reports, so their digests
    // are the complete set.
    timers.scheduleWithFixedDelay(analyses::sweepQuietly, analysisSweep.toMillis(), analysisSweep.toMillis(),
        TimeUnit.MILLISECONDS);
    if (active) {
      coordinator.onPolicyChange();
    } else {
      activate();
    }
  }

  private synchronized boolean isLeading() {
    return leading;
  }

  private synchronized boolean isActive() {
    return active && !stopped;
  }

  /** The VulnerabilityData condition for schedules; null when matching is off. */
  VulnerabilityDataState vulnerabilityDataState() {
    return vulnDbEnabled ? VulnerabilityDataState.of(feed) : null;
  }

  boolean hasSynced() {
    return policies.hasSynced() && schedules.hasSynced() && reportCache.hasSynced();
  }

  private void refreshVulnDb() {
    try {
      VulnDbHolder.Refresh r = feed.refresh();
      if (r != null && r.outcome() == VulnDbHolder.Outcome.FAILED) {
        scanMetrics.vulnDbLoadFailed();
        LOG.warn("vulnerability data refresh failed, keeping the last good snapshot: {}", r.failure().message());
      } else if (r != null && r.outcome() == VulnDbHolder.Outcome.LOADED) {
        LOG.info("vulnerability data reloaded: {} records, snapshot {}", r.snapshot().recordCount(),
            r.snapshot().snapshotId());
        coordinator.onPolicyChange();
      }
    } catch (RuntimeException e) {
      LOG.warn("vulnerability data refresh failed: {}", e.getMessage());
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Takes no new work from now on, for good: workload events, pushes, retries, rollout checks,
   * refreshes and scheduled runs are refused. Returns at once (a lost-Lease callback calls it).
   */
  synchronized void deactivate() {
    stopped = true;
    coordinator.deactivate();
    pushes.deactivate();
    coordinator.close();
    timers.shutdownNow();
  }

  /**
   * Stops scanning: no new work, queued work dropped (the next leader finds it again from the
   * informers and the reports' inputs), and the scans and update steps already running get up
   * to {@code grace} to finish before they are interrupted.
   *
   * @return true when nothing was running any more on return without an interrupt
   */
  boolean stop(Duration grace) {
    deactivate();
    List<Runnable> dropped = new ArrayList<>();
    workers.getQueue().drainTo(dropped);
    int running = workers.getActiveCount();
    workers.shutdown();
    boolean finished;
    try {
      if (running > 0 && !grace.isZero()) {
        LOG.info("letting {} running scan/update task(s) finish (up to {} s); {} queued dropped", running,
            grace.toSeconds(), dropped.size());
      }
      finished = workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)
          || workers.getActiveCount() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      LOG.warn("interrupting {} scan/update task(s) still running after {} ms", workers.getActiveCount(),
          grace.toMillis());
    }
    workers.shutdownNow();
    layerReaders.shutdownNow();
    return finished;
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
    policies.close();
    reportCache.close();
    schedules.close();
  }
}
