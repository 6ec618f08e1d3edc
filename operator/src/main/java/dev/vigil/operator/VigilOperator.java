package dev.vigil.operator;

import dev.vigil.metrics.MetricsRegistryFactory;
import dev.vigil.operator.membership.MemberLeases;
import dev.vigil.webhook.WebhookServer;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator: JOSDK controllers, the scan loop, and the metrics and health endpoint.
 * How it starts, leads, and stops is described in docs/architecture.md ("Lifecycle").
 */
public final class VigilOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VigilOperator.class);
  public static final String LEASE_NAME = "vigil-operator-lock";

  /** How long start-up waits for the workload informers' first list. */
  static final Duration WORKLOAD_SYNC_TIMEOUT = Duration.ofMinutes(2);

  /**
   * How to run.
   *
   * @param httpAddress where /metrics, /healthz and /readyz listen (port 0 = any free port)
   * @param leaderElection whether to take a Lease before reconciling
   * @param useServerSideApply patch status with server-side apply (else JSON patch)
   * @param settings shared reconciler settings
   * @param scan how to scan
   * @param updates how rebuilt images are redeployed, and the webhook receiver
   * @param lifecycle how the operator stops
   */
  public record Options(
      InetSocketAddress httpAddress,
      boolean leaderElection,
      boolean useServerSideApply,
      OperatorSettings settings,
      ScanSettings scan,
      UpdateSettings updates,
      LifecycleSettings lifecycle) {

    /** Options with the default update settings (no webhook receiver). */
    public Options(InetSocketAddress httpAddress, boolean leaderElection, boolean useServerSideApply,
        OperatorSettings settings, ScanSettings scan) {
      this(httpAddress, leaderElection, useServerSideApply, settings, scan, UpdateSettings.defaults());
    }

    /** Options with the default stop settings. */
    public Options(InetSocketAddress httpAddress, boolean leaderElection, boolean useServerSideApply,
        OperatorSettings settings, ScanSettings scan, UpdateSettings updates) {
      this(httpAddress, leaderElection, useServerSideApply, settings, scan, updates, LifecycleSettings.defaults());
    }
  }

  private final Options options;
  private final OperatorLifecycle lifecycle;
  private final Operator operator;
  private final WorkloadIndex workloads;
  private final ScanLoop scanLoop;
  private final HealthServer http;
  private final PrometheusMeterRegistry registry;
  private final WebhookServer webhook;
  private final String identity;
  private final KubernetesClient quickClient;
  private final ApiConnectionMonitor api;
  private final MemberLeases members;
  private final Object stopLock = new Object();
  private boolean stopped;

  private VigilOperator(Options options, OperatorLifecycle lifecycle, Operator operator, WorkloadIndex workloads,
      ScanLoop scanLoop, HealthServer http, PrometheusMeterRegistry registry, WebhookServer webhook, String identity,
      KubernetesClient quickClient, ApiConnectionMonitor api, MemberLeases members) {
    this.options = options;
    this.members = members;
    this.lifecycle = lifecycle;
    this.webhook = webhook;
    this.operator = operator;
    this.workloads = workloads;
    this.scanLoop = scanLoop;
    this.http = http;
    this.registry = registry;
    this.identity = identity;
    this.quickClient = quickClient;
    this.api = api;
  }

  /** Starts with a lifecycle of its own (stop requests are only recorded: see {@link #lifecycle()}). */
  public static VigilOperator start(KubernetesClient client, Options options) throws IOException {
    return start(client, options, new OperatorLifecycle());
  }

  /**
   * Serves /healthz (live) and /readyz (not yet) at once, starts the workload index and waits for
   * its caches, then registers the controllers and starts them. Stop requests (a lost Lease, an
   * API server gone for too long) go to the lifecycle; the caller waits for them and calls
   * {@link #stop(Duration)}.
   */
  public static VigilOperator start(KubernetesClient client, Options options, OperatorLifecycle lifecycle)
      throws IOException {
    PrometheusMeterRegistry registry = MetricsRegistryFactory.create();
    HealthServer http = new HealthServer(options.httpAddress(), registry, lifecycle::livenessProblem,
        lifecycle::readinessProblem);
    http.start();
    LOG.info("serving /metrics, /healthz and /readyz on port {}", http.port());
    // Watching only some namespaces keeps the informer caches (pods above all) small.
    WorkloadIndex workloads = options.scan().watchNamespaces().isEmpty()
        ? new WorkloadIndex(client) : new WorkloadIndex(client, options.scan().watchNamespaces());
    try {
      workloads.startAndAwaitSync(WORKLOAD_SYNC_TIMEOUT);
      return start(client, options, lifecycle, registry, http, workloads);
    } catch (IOException | RuntimeException e) {
      workloads.close();
      http.close();
      throw e;
    }
  }

  private static VigilOperator start(KubernetesClient client, Options options, OperatorLifecycle lifecycle,
      PrometheusMeterRegistry registry, HealthServer http, WorkloadIndex workloads) throws IOException {
    OperatorSettings settings = options.settings();
    EventRecorder events = new EventRecorder(client, settings.clock(), settings.eventRepeatInterval());
    ScanLoop scanLoop = new ScanLoop(client, workloads, settings, options.scan(), events, registry,
        options.updates());
    WebhookServer webhook = null;
    if (options.updates().webhook() != null) {
      try {
        webhook = WebhookReceiver.start(client, options.updates().webhook(), scanLoop.pushes,
            scanLoop.scanMetrics);
      } catch (IOException | RuntimeException e) {
        scanLoop.close();
        throw e;
      }
    }
    String identity = options.leaderElection() ? Leadership.identity() : null;
    // With leader election (several replicas possible) every replica scans its share of the
    // images; the leader adds what must have one writer (docs/architecture.md, "Replicas").
    MemberLeases members = null;
    if (options.leaderElection()) {
      members = new MemberLeases(client, settings.operatorNamespace(), identity, MemberLeases.DEFAULT_DURATION,
          Clock.systemUTC());
      try {
        members.start(Duration.ofMinutes(2));
      } catch (RuntimeException e) {
        members.close();
        scanLoop.close();
        if (webhook != null) {
          webhook.close();
        }
        throw e;
      }
      scanLoop.shareWith(members);
    }
    MemberLeases membership = members;
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          // Per-resource tags would make one series set per CR: unbounded cardinality.
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
          .withUseSSAToPatchPrimaryResource(options.useServerSideApply())
          .withSSABasedCreateUpdateMatchForDependentResources(options.useServerSideApply())
          .withCloseClientOnStop(false)
          .withReconciliationTerminationTimeout(options.lifecycle().reconcileTermination());
      if (options.leaderElection()) {
        // The leader adds the one-writer work when it takes the Lease. Losing it stops the scan
        // loop taking work at once and asks for a stop; nothing exits here.
        o.withLeaderElectionConfiguration(Leadership.configuration(settings.operatorNamespace(), identity,
            () -> {
              if (lifecycle.stopReason().isEmpty()) {
                LOG.info("leading as {}", identity);
                lifecycle.leading(true);
                scanLoop.lead();
              }
            },
            () -> {
              lifecycle.leading(false);
              scanLoop.deactivate();
              lifecycle.requestStop(StopReason.LOST_LEADERSHIP, "Lease " + settings.operatorNamespace() + "/"
                  + LEASE_NAME + " is no longer held by " + identity);
            }));
      }
    });
    PolicyScope scope = new PolicyScope(workloads, settings.operatorNamespace());
    operator.register(new ImagePolicyReconciler(client, scope, events, settings));
    operator.register(new ScanScheduleReconciler(events, settings, scanLoop.coordinator,
        scanLoop::vulnerabilityDataState));
    Gauge.builder("vigil_leader", lifecycle, l -> l.isLeading() ? 1 : 0)
        .description("1 while this replica holds the leader Lease (or leader election is off) and so runs"
            + " the controllers, rollouts and webhooks; 0 on the other replicas (which scan their share) or"
            + " while stopping")
        .register(registry);

    // Its own client: no retries and short timeouts, so one check never outlasts the probe interval.
    Duration probeTimeout = ApiConnectionMonitor.interval(options.lifecycle().apiUnreachableTimeout());
    KubernetesClient quick = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withRequestRetryBackoffLimit(0)
        .withConnectionTimeout((int) probeTimeout.toMillis())
        .withRequestTimeout((int) probeTimeout.toMillis())
        .build()).build();
    ApiConnectionMonitor api = new ApiConnectionMonitor(() -> apiProblem(quick, operator),
        options.lifecycle().apiUnreachableTimeout(), Clock.systemUTC(),
        problem -> lifecycle.requestStop(StopReason.API_UNREACHABLE, problem));
    lifecycle.apiProblem(api::problem);
    // Before the controllers start, so a scheduled run never finds the scan loop inactive.
    scanLoop.activate();
    if (!options.leaderElection()) {
      lifecycle.leading(true);
      scanLoop.lead();
    }
    try {
      operator.start();
    } catch (RuntimeException e) {
      scanLoop.close();
      quick.close();
      if (webhook != null) {
        webhook.close();
      }
      if (membership != null) {
        membership.close();
      }
      throw e;
    }
    api.start();
    lifecycle.started(() -> isReady(operator, workloads) && scanLoop.hasSynced() ? null
        : "informers not synced or not watching");
    LOG.info("operator started (namespace {}, leader election {}, server-side apply {})",
        settings.operatorNamespace(), options.leaderElection() ? "on, identity " + identity : "off",
        options.useServerSideApply());
    return new VigilOperator(options, lifecycle, operator, workloads, scanLoop, http, registry, webhook, identity,
        quick, api, membership);
  }

  /**
   * One API server check: a GET of /version with the operator's credentials, then the
   * controllers' watches. Any answer but 401, 403 or a 5xx shows the server is there.
   */
  private static String apiProblem(KubernetesClient quick, Operator operator) {
    try {
      quick.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      int code = e.getCode();
      if (code <= 0 || code == 401 || code == 403 || code >= 500) {
        return code > 0 ? "GET /version: HTTP " + code + " " + e.getMessage() : "GET /version: " + rootCause(e);
      }
    } catch (RuntimeException e) {
      return "GET /version: " + rootCause(e);
    }
    Set<String> unhealthy = unhealthyControllers(operator.getRuntimeInfo().unhealthyEventSources());
    return unhealthy.isEmpty() ? null : "watches not running for " + unhealthy;
  }

  /**
   * The controllers with at least one unhealthy event source. JOSDK's map has an entry for every
   * controller, healthy ones with an empty map: taking its keys declared every healthy operator's
   * watches down and stopped it after the unreachable bound.
   */
  static Set<String> unhealthyControllers(Map<String, ? extends Map<String, ?>> byController) {
    Set<String> out = new TreeSet<>();
    byController.forEach((controller, sources) -> {
      if (sources != null && !sources.isEmpty()) {
        out.add(controller);
      }
    });
    return out;
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName()
        : root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** Where stop requests go, and the state /healthz and /readyz answer from. */
  public OperatorLifecycle lifecycle() {
    return lifecycle;
  }

  /** This replica's identity in the leader Lease; null with leader election off. */
  public String identity() {
    return identity;
  }

  /**
   * The identities of the replicas this one shares the scanning with, itself included while its
   * member Lease is fresh; empty with leader election off (one replica does everything).
   */
  public Set<String> members() {
    return members == null ? Set.of() : members.members();
  }

  /** Where the registry webhook receiver listens; null when it is off. */
  public InetSocketAddress webhookAddress() {
    return webhook == null ? null : webhook.address();
  }

  public int httpPort() {
    return http.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public boolean isReady() {
    return isReady(operator, workloads);
  }

  private static boolean isReady(Operator operator, WorkloadIndex workloads) {
    return workloads.hasSynced()
        && operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /**
   * Stops, within about {@code budget}: /healthz and /readyz fail from the first moment; no new
   * work is taken; on a requested stop the scans and update steps already running get most of
   * the budget to finish (after a lost Lease or API server, none: another replica may lead); the
   * controllers stop; a Lease still held after a clean drain is handed over; caches and the
   * endpoint close. A later call returns at once.
   *
   * @return why the operator stopped
   */
  public StopReason stop(Duration budget) {
    synchronized (stopLock) {
      lifecycle.requestStop(StopReason.REQUESTED, "stop() called");
      StopReason reason = lifecycle.stopReason().orElseThrow();
      if (stopped) {
        return reason;
      }
      stopped = true;
      long start = System.nanoTime();
      api.close();
      try {
        if (webhook != null) {
          webhook.close();
        }
        Duration drain = reason == StopReason.REQUESTED ? min(budget, options.lifecycle().drainTime()) : Duration.ZERO;
        boolean drained = scanLoop.stop(drain);
        try {
          operator.stop();
        } catch (RuntimeException e) {
          // The Lease is then left to expire rather than handed over.
          drained = false;
          LOG.warn("stopping the controllers failed: {}", e.toString());
        }
        lifecycle.leading(false);
        if (identity != null && reason == StopReason.REQUESTED) {
          if (drained) {
            Leadership.release(quickClient, options.settings().operatorNamespace(), identity);
            // The others take this replica's share over now, not when its Lease expires.
            members.release();
          } else {
            LOG.warn("not releasing the Leases: work may still be running; they expire by themselves");
          }
        }
      } finally {
        try {
          scanLoop.close();
          if (members != null) {
            members.close();
          }
          workloads.close();
          quickClient.close();
        } finally {
          http.close();
        }
      }
      LOG.info("operator stopped ({}) in {} ms", reason, Duration.ofNanos(System.nanoTime() - start).toMillis());
      return reason;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Stops at once: running scans are interrupted, not waited for. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
