package dev.vigil.operator;

import dev.vigil.metrics.MetricsRegistryFactory;
import dev.vigil.webhook.WebhookServer;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running operator: JOSDK controllers plus the metrics and health endpoint. */
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
   */
  public record Options(
      InetSocketAddress httpAddress,
      boolean leaderElection,
      boolean useServerSideApply,
      OperatorSettings settings,
      ScanSettings scan,
      UpdateSettings updates) {

    /** Options with the default update settings (no webhook receiver). */
    public Options(InetSocketAddress httpAddress, boolean leaderElection, boolean useServerSideApply,
        OperatorSettings settings, ScanSettings scan) {
      this(httpAddress, leaderElection, useServerSideApply, settings, scan, UpdateSettings.defaults());
    }
  }

  private final Operator operator;
  private final WorkloadIndex workloads;
  private final ScanLoop scanLoop;
  private final HealthServer http;
  private final PrometheusMeterRegistry registry;
  private final WebhookServer webhook;

  private VigilOperator(Operator operator, WorkloadIndex workloads, ScanLoop scanLoop, HealthServer http,
      PrometheusMeterRegistry registry, WebhookServer webhook) {
    this.webhook = webhook;
    this.operator = operator;
    this.workloads = workloads;
    this.scanLoop = scanLoop;
    this.http = http;
    this.registry = registry;
  }

  /**
   * Starts the workload index and waits for its caches, then registers the controllers and
   * starts them and the HTTP endpoint.
   */
  public static VigilOperator start(KubernetesClient client, Options options) throws IOException {
    // Watching only some namespaces keeps the informer caches (pods above all) small.
    WorkloadIndex workloads = options.scan().watchNamespaces().isEmpty()
        ? new WorkloadIndex(client) : new WorkloadIndex(client, options.scan().watchNamespaces());
    try {
      workloads.startAndAwaitSync(WORKLOAD_SYNC_TIMEOUT);
      return start(client, options, workloads);
    } catch (IOException | RuntimeException e) {
      workloads.close();
      throw e;
    }
  }

  private static VigilOperator start(KubernetesClient client, Options options, WorkloadIndex workloads)
      throws IOException {
    PrometheusMeterRegistry registry = MetricsRegistryFactory.create();
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
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          // Per-resource tags would make one series set per CR: unbounded cardinality.
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
          .withUseSSAToPatchPrimaryResource(options.useServerSideApply())
          .withSSABasedCreateUpdateMatchForDependentResources(options.useServerSideApply())
          .withCloseClientOnStop(false)
          .withReconciliationTerminationTimeout(Duration.ofSeconds(20));
      if (options.leaderElection()) {
        // Only the leader scans: event-driven scans start when it takes the lease; losing the
        // lease exits the process (JOSDK's default) so no two replicas ever write reports.
        o.withLeaderElectionConfiguration(
            LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
                .withLeaseNamespace(settings.operatorNamespace())
                .withLeaderCallbacks(new LeaderCallbacks(scanLoop::activate, () -> {}, leader -> {}))
                .build());
      }
    });
    PolicyScope scope = new PolicyScope(workloads, settings.operatorNamespace());
    operator.register(new ImagePolicyReconciler(client, scope, events, settings));
    operator.register(new ScanScheduleReconciler(events, settings, scanLoop.coordinator,
        scanLoop::vulnerabilityDataState));

    HealthServer http = new HealthServer(options.httpAddress(), registry,
        () -> true,
        () -> isReady(operator, workloads) && scanLoop.hasSynced());
    http.start();
    LOG.info("serving /metrics, /healthz and /readyz on port {}", http.port());
    operator.start();
    LOG.info("operator started (namespace {}, leader election {}, server-side apply {})",
        settings.operatorNamespace(), options.leaderElection(), options.useServerSideApply());
    if (!options.leaderElection()) {
      scanLoop.activate();
    }
    return new VigilOperator(operator, workloads, scanLoop, http, registry, webhook);
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

  @Override
  public void close() {
    LOG.info("stopping operator");
    try {
      if (webhook != null) {
        webhook.close();
      }
      operator.stop();
      scanLoop.close();
    } finally {
      try {
        workloads.close();
      } finally {
        http.close();
      }
    }
  }
}
