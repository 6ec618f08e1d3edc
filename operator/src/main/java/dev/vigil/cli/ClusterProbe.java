package dev.vigil.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** One quick call to the API server, so a missing cluster is one clear line, not a stack. */
final class ClusterProbe {

  private ClusterProbe() {}

  /** Null when the API server answers, else why not, in one line. */
  static String problem(Config config) {
    Config quick = new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(quick).build()) {
      client.getKubernetesVersion();
      return null;
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message = root.getMessage() == null ? root.getClass().getSimpleName()
          : root.getClass().getSimpleName() + ": " + root.getMessage();
      return message.replaceAll("\\s+", " ");
    }
  }
}
