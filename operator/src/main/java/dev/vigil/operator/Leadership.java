package dev.vigil.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader Lease ({@value VigilOperator#LEASE_NAME} in the operator namespace): this replica's
 * identity in it, what gaining and losing it do, and handing it over on a clean stop.
 *
 * <p>JOSDK's default on losing the Lease is {@code System.exit(1)} from the elector's callback.
 * That callback also runs when the operator itself stops the elector, which may be inside a
 * shutdown hook, where {@code System.exit} blocks for ever: the process hung, /healthz still said
 * ok. Here losing the Lease only stops the scan loop from taking work and asks the
 * {@link OperatorLifecycle} to stop; the process's own main thread does the rest.
 */
final class Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private Leadership() {}

  /**
   * Unique per process: the pod name (HOSTNAME) plus a random suffix, so two processes on one
   * host, or a restarted container in the same pod, never both believe they hold the Lease.
   */
  static String identity() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      host = "vigil";
    }
    return host + "_" + UUID.randomUUID();
  }

  /**
   * JOSDK's leader election for this replica; JOSDK starts event processing after
   * {@code onStartLeading} and never exits the process.
   */
  static LeaderElectionConfiguration configuration(String namespace, String identity, Runnable onStartLeading,
      Runnable onStopLeading) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(VigilOperator.LEASE_NAME)
        .withLeaseNamespace(namespace)
        .withIdentity(identity)
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(new LeaderCallbacks(onStartLeading, onStopLeading, leader -> {}))
        .build();
  }

  /**
   * Gives up the Lease if this replica still holds it, so a standby takes over at its next retry
   * (2 s) instead of waiting for the Lease to expire (15 s). Only call it once no work runs any
   * more. The update is guarded by the resourceVersion read: a Lease taken over meanwhile is left
   * alone.
   *
   * @return true when the Lease was released
   */
  static boolean release(KubernetesClient client, String namespace, String identity) {
    try {
      Lease lease = client.resources(Lease.class).inNamespace(namespace).withName(VigilOperator.LEASE_NAME).get();
      if (lease == null || lease.getSpec() == null
          || !Objects.equals(identity, lease.getSpec().getHolderIdentity())) {
        return false;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setAcquireTime(now);
      lease.getSpec().setRenewTime(now);
      client.resource(lease).update();
      LOG.info("released the leader Lease {}/{}", namespace, VigilOperator.LEASE_NAME);
      return true;
    } catch (KubernetesClientException e) {
      LOG.warn("could not release the leader Lease (it expires by itself): {}", e.getMessage());
      return false;
    }
  }
}
