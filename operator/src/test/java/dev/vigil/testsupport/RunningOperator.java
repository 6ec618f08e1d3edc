package dev.vigil.testsupport;

import dev.vigil.operator.OperatorSettings;
import dev.vigil.operator.ScanSettings;
import dev.vigil.operator.UpdateSettings;
import dev.vigil.operator.VigilOperator;
import dev.vigil.registry.Platform;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * A real operator (JOSDK controllers, informers, scan loop, HTTP endpoint) against the fabric8
 * mock server in CRUD mode. The mock has no server-side apply, so status is written as JSON patch.
 */
public final class RunningOperator {

  public static final String OPERATOR_NAMESPACE = "vigil-system";

  private RunningOperator() {}

  public static VigilOperator start(KubernetesClient client) throws IOException {
    return start(client, Duration.ofSeconds(1));
  }

  public static VigilOperator start(KubernetesClient client, Duration minScanInterval) throws IOException {
    return start(client, minScanInterval, scanSettings("none"));
  }

  /** Scan settings for tests: no vulnerability data unless named, a throw-away data dir. */
  public static ScanSettings scanSettings(String vulnDb) throws IOException {
    return scanSettings(vulnDb, Set.of());
  }

  /** The same, watching only the workloads of the given namespaces (empty = all). */
  public static ScanSettings scanSettings(String vulnDb, Set<String> watchNamespaces) throws IOException {
    Path dataDir = Files.createTempDirectory("vigil-data");
    dataDir.toFile().deleteOnExit();
    return new ScanSettings(vulnDb, Duration.ofHours(6), dataDir, Platform.LINUX_AMD64, 4,
        256L * 1024 * 1024, Set.of(), false, "vigil/test", watchNamespaces);
  }

  public static VigilOperator start(KubernetesClient client, Duration minScanInterval, ScanSettings scan)
      throws IOException {
    return start(client, minScanInterval, scan, UpdateSettings.defaults());
  }

  public static VigilOperator start(KubernetesClient client, Duration minScanInterval, ScanSettings scan,
      UpdateSettings updates) throws IOException {
    OperatorSettings settings = new OperatorSettings(
        OPERATOR_NAMESPACE, minScanInterval, Duration.ofMinutes(10), Clock.systemUTC());
    return VigilOperator.start(client, new VigilOperator.Options(
        new InetSocketAddress("127.0.0.1", 0), false, false, settings, scan, updates));
  }
}
