package dev.vigil.cli;

import dev.vigil.operator.LifecycleSettings;
import dev.vigil.operator.OperatorLifecycle;
import dev.vigil.operator.OperatorSettings;
import dev.vigil.operator.ProcessStop;
import dev.vigil.operator.StopReason;
import dev.vigil.operator.ScanSettings;
import dev.vigil.operator.UpdateSettings;
import dev.vigil.operator.WebhookOptions;
import dev.vigil.registry.Platform;
import dev.vigil.scan.VulnerabilityFeed;
import java.util.Set;
import dev.vigil.operator.VigilOperator;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs the operator against the current kubeconfig or the in-cluster service account. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    versionProvider = VigilVersion.class,
    description = "Run the operator against the current kubeconfig or the in-cluster service account.")
public class OperatorCommand implements Callable<Integer> {

  /** Exit code when the cluster cannot be reached at start-up. */
  public static final int EXIT_NO_CLUSTER = 2;
  // Exit codes once running: StopReason (0 stop requested, 3 lost Lease, 4 API server
  // unreachable) and StopReason.EXIT_STOP_TIMEOUT (5, halted after --shutdown-timeout).

  private static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private static final Logger LOG = LoggerFactory.getLogger(OperatorCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--http-port", defaultValue = "8080",
      description = "Port for /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--http-address", defaultValue = "0.0.0.0",
      description = "Address the HTTP endpoint binds to (default: ${DEFAULT-VALUE}).")
  String httpAddress;

  @Option(names = "--namespace",
      description = "Namespace the operator runs in (default: $VIGIL_NAMESPACE, the service account's"
          + " namespace, or vigil-system).")
  String namespace;

  @Option(names = "--leader-election", negatable = true,
      description = "Take a Lease before reconciling (default: on in-cluster, off elsewhere).")
  Boolean leaderElection;

  @Option(names = "--patch-style", defaultValue = "ssa", converter = PatchStyleConverter.class,
      description = "How status is written: ssa (server-side apply) or json-patch (default: ${DEFAULT-VALUE}).")
  PatchStyle patchStyle;

  @Option(names = "--min-scan-interval", defaultValue = "PT1M",
      converter = DurationConverter.class,
      description = "Shortest interval a ScanSchedule may ask for, e.g. 1m (default: 1m).")
  Duration minScanInterval;

  @Option(names = "--log-format", defaultValue = "text",
      description = "Log line format: text or json (default: ${DEFAULT-VALUE}).")
  LoggingSetup.Format logFormat;

  @Option(names = "--connect-timeout", defaultValue = "PT10S", converter = DurationConverter.class,
      description = "How long to wait for the API server at start-up (default: 10s).")
  Duration connectTimeout;

  @Option(names = "--vulndb", defaultValue = "osv.dev", paramLabel = "SOURCE",
      description = "OSV data: 'osv.dev' (the ecosystems seen, downloaded and cached), a directory of OSV"
          + " JSON, an all.zip, an http(s) URL of a zip, oci://REGISTRY/REPO:TAG, or 'none' (default: ${DEFAULT-VALUE}).")
  String vulnDb;

  @Option(names = "--vulndb-refresh", defaultValue = "PT6H", converter = DurationConverter.class,
      description = "How often the vulnerability data is reloaded (default: 6h).")
  Duration vulnDbRefresh;

  @Option(names = "--data-dir", defaultValue = "/var/lib/vigil", paramLabel = "DIR",
      description = "Cache for downloaded data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--platform", defaultValue = "linux/amd64",
      description = "Platform picked from multi-platform images when no pod reports a digest (default: ${DEFAULT-VALUE}).")
  String platform;

  // 8, from ScanThroughputBenchmarkTest (300 digests, values interleaved round by round on 2
  // shared cores): a workload's scan and report writing mostly wait on the registry and the API
  // server, so 8 beat 4 in all six rounds (1.09x to 1.64x), while 16 and 32 were not reliably
  // better than 8 (0.61x to 1.22x of it) and put more requests in flight against both and more
  // layers in decompression at once under the manager's 2-CPU limit.
  @Option(names = "--scan-concurrency", defaultValue = "8",
      description = "Workloads processed at once (default: ${DEFAULT-VALUE}).")
  int scanConcurrency;

  @Option(names = "--layer-cache-mib", defaultValue = "512",
      description = "Memory the layer cache may keep, in MiB (default: ${DEFAULT-VALUE}).")
  long layerCacheMib;

  @Option(names = "--analysis-cache-size", defaultValue = "2000",
      description = "Image analyses kept in memory in front of the stored ImageAnalysis objects"
          + " (default: ${DEFAULT-VALUE}).")
  int analysisCacheSize;

  @Option(names = "--analysis-retention", defaultValue = "PT24H", converter = DurationConverter.class,
      description = "How long a stored ImageAnalysis that no ImageReport refers to is kept (default: ${DEFAULT-VALUE}).")
  Duration analysisRetention;

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Registries reached over plain HTTP (loopback registries always are).")
  Set<String> insecureRegistries = Set.of();

  @Option(names = "--watch-namespaces", split = ",", paramLabel = "NAMESPACE",
      description = "Watch only the workloads of these namespaces (comma-separated; default: all)."
          + " ScanSchedules and ImagePolicies still select within them.")
  Set<String> watchNamespaces = Set.of();

  @Option(names = "--per-vulnerability-metrics",
      description = "Export one series per vulnerability id (off by default: cardinality).")
  boolean perVulnerabilityMetrics;

  @Option(names = "--webhook-port", defaultValue = "0",
      description = "Port of the registry webhook receiver; 0 turns it off (default: ${DEFAULT-VALUE}).")
  int webhookPort;

  @Option(names = "--webhook-address", defaultValue = "0.0.0.0",
      description = "Address the webhook receiver binds to (default: ${DEFAULT-VALUE}).")
  String webhookAddress;

  @Option(names = "--webhook-secret", paramLabel = "NAMESPACE/NAME/KEY",
      description = "Secret key holding the webhook shared secret (at least 16 bytes); required with"
          + " --webhook-port.")
  String webhookSecret;

  @Option(names = "--shutdown-timeout", defaultValue = "PT25S", converter = DurationConverter.class,
      description = "Budget of a graceful stop, from SIGTERM (or a lost Lease) to the exit; running scans get"
          + " most of it, and past it the process is halted with exit code 5 (default: 25s). Keep it below"
          + " the pod's terminationGracePeriodSeconds.")
  Duration shutdownTimeout;

  @Option(names = "--api-unreachable-timeout", defaultValue = "PT60S", converter = DurationConverter.class,
      description = "How long the API server may stay unreachable (or the controllers' watches down) before"
          + " /healthz fails and the operator exits with code 4 (default: 60s).")
  Duration apiUnreachableTimeout;

  @Option(names = "--max-concurrent-rollouts", defaultValue = "5",
      description = "Rollouts in flight at once in the whole cluster (default: ${DEFAULT-VALUE}).")
  int maxConcurrentRollouts;

  /** Status write styles. */
  enum PatchStyle {
    ssa,
    json_patch;

    @Override
    public String toString() {
      return name().replace('_', '-');
    }
  }

  /** Accepts the spelling the help shows (json-patch). */
  static final class PatchStyleConverter implements picocli.CommandLine.ITypeConverter<PatchStyle> {
    @Override
    public PatchStyle convert(String value) {
      return PatchStyle.valueOf(value.replace('-', '_'));
    }
  }

  private LifecycleSettings lifecycleSettings() {
    try {
      return new LifecycleSettings(shutdownTimeout, apiUnreachableTimeout);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private ScanSettings scanSettings() {
    if (scanConcurrency < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--scan-concurrency must be at least 1, got " + scanConcurrency);
    }
    Platform parsed;
    try {
      parsed = Platform.parse(platform);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--platform " + e.getMessage());
    }
    try {
      VulnerabilityFeed.forSpec(vulnDb, dataDir, Clock.systemUTC(),
          new dev.vigil.registry.RegistryClient(dev.vigil.registry.RegistryClientConfig.defaults()));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vulndb " + e.getMessage());
    }
    if (analysisCacheSize < 1) {
      throw new ParameterException(spec.commandLine(), "--analysis-cache-size must be at least 1");
    }
    if (analysisRetention.isNegative() || analysisRetention.isZero()) {
      throw new ParameterException(spec.commandLine(), "--analysis-retention must be positive");
    }
    return new ScanSettings(vulnDb, vulnDbRefresh, dataDir, parsed, scanConcurrency,
        layerCacheMib * 1024 * 1024, insecureRegistries, perVulnerabilityMetrics,
        "vigil/" + VigilVersion.version(), watchNamespaces, analysisCacheSize, analysisRetention, null);
  }

  @Override
  public Integer call() throws Exception {
    LoggingSetup.configure(logFormat);
    UpdateSettings updates = updateSettings();
    // Bad settings are usage errors, found before any cluster is contacted.
    ScanSettings scan = scanSettings();
    LifecycleSettings lifecycleSettings = lifecycleSettings();
    PrintWriter err = spec.commandLine().getErr();
    Config config = new ConfigBuilder(Config.autoConfigure(null))
        .withConnectionTimeout((int) connectTimeout.toMillis())
        .withRequestTimeout((int) connectTimeout.toMillis())
        .build();
    boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null
        && Files.exists(SERVICE_ACCOUNT_NAMESPACE);
    String unreachable = ClusterProbe.problem(config);
    if (unreachable != null) {
      err.println("vigil: cannot reach the Kubernetes API server at " + config.getMasterUrl()
          + ": " + unreachable);
      err.flush();
      return EXIT_NO_CLUSTER;
    }
    String ns = resolveNamespace();
    boolean elect = leaderElection != null ? leaderElection : inCluster;
    OperatorSettings settings = new OperatorSettings(ns, minScanInterval, Duration.ofMinutes(10), Clock.systemUTC());
    VigilOperator.Options options = new VigilOperator.Options(new InetSocketAddress(httpAddress, httpPort), elect,
        patchStyle == PatchStyle.ssa, settings, scan, updates, lifecycleSettings);
    // Signals only ask for the stop; this thread does it, and a watchdog halts a stop that hangs.
    OperatorLifecycle lifecycle = new OperatorLifecycle();
    ProcessStop process = ProcessStop.install(lifecycle, shutdownTimeout);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      VigilOperator running;
      try {
        running = VigilOperator.start(client, options, lifecycle);
      } catch (RuntimeException e) {
        if (lifecycle.stopReason().isPresent()) {
          // Stopped while starting (e.g. SIGTERM during the first cache sync): nothing ran yet.
          StopReason reason = lifecycle.stopReason().get();
          err.println("vigil: stopped during start-up (" + reason + "): " + e.getMessage());
          return reason.exitCode();
        }
        throw e;
      }
      StopReason reason = lifecycle.awaitStop();
      running.stop(process.remaining());
      LOG.info("exiting with code {} ({})", reason.exitCode(), reason);
      return reason.exitCode();
    } finally {
      client.close();
      process.stopped();
    }
  }

  /** The rollout and webhook flags, checked before anything starts. */
  private UpdateSettings updateSettings() {
    if (maxConcurrentRollouts < 1) {
      throw new ParameterException(spec.commandLine(),
          "--max-concurrent-rollouts must be at least 1, not " + maxConcurrentRollouts);
    }
    UpdateSettings updates = new UpdateSettings(maxConcurrentRollouts, Duration.ofSeconds(5), null);
    if (webhookPort == 0) {
      if (webhookSecret != null) {
        throw new ParameterException(spec.commandLine(), "--webhook-secret needs --webhook-port");
      }
      return updates;
    }
    if (webhookPort < 1 || webhookPort > 65535) {
      throw new ParameterException(spec.commandLine(), "--webhook-port must be 1-65535 (0: off), not "
          + webhookPort);
    }
    if (webhookSecret == null) {
      throw new ParameterException(spec.commandLine(),
          "--webhook-port needs --webhook-secret NAMESPACE/NAME/KEY (the receiver never runs without a secret)");
    }
    try {
      return updates.withWebhook(new WebhookOptions(new InetSocketAddress(webhookAddress, webhookPort),
          WebhookOptions.SecretKeyRef.parse(webhookSecret)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--webhook-secret " + e.getMessage());
    }
  }

  private String resolveNamespace() throws java.io.IOException {
    if (namespace != null && !namespace.isBlank()) {
      return namespace;
    }
    String env = System.getenv("VIGIL_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env;
    }
    if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
      return Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim();
    }
    return "vigil-system";
  }
}
