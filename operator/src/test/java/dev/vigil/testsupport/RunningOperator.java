package dev.vigil.testsupport;

import dev.vigil.operator.OperatorSettings;
import dev.vigil.operator.VigilOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * A real operator (JOSDK controllers, informers, HTTP endpoint) against the fabric8 mock
 * server in CRUD mode. The mock has no server-side apply, so status is written as JSON patch.
 */
public final class RunningOperator {

  public static final String OPERATOR_NAMESPACE = "vigil-system";

  private RunningOperator() {}

  public static VigilOperator start(KubernetesClient client) throws IOException {
    return start(client, Duration.ofSeconds(1));
  }

  public static VigilOperator start(KubernetesClient client, Duration minScanInterval) throws IOException {
    OperatorSettings settings = new OperatorSettings(
        OPERATOR_NAMESPACE, minScanInterval, Duration.ofMinutes(10), Clock.systemUTC());
    return VigilOperator.start(client, new VigilOperator.Options(
        new InetSocketAddress("127.0.0.1", 0), false, false, settings));
  }
}
