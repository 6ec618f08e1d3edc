package dev.vigil.operator;

import java.time.Duration;

/**
 * How the operator redeploys rebuilt images.
 *
 * @param clusterRolloutLimit rollouts in flight at once in the whole cluster (at least 1)
 * @param watchInterval how often in-flight rollouts are checked
 * @param webhook the registry webhook receiver; null when it is off
 */
public record UpdateSettings(int clusterRolloutLimit, Duration watchInterval, WebhookOptions webhook) {

  public UpdateSettings {
    if (clusterRolloutLimit < 1) {
      throw new IllegalArgumentException("the cluster-wide rollout limit must be at least 1, not "
          + clusterRolloutLimit);
    }
    if (watchInterval == null || watchInterval.isNegative() || watchInterval.isZero()) {
      throw new IllegalArgumentException("the rollout watch interval must be positive, not " + watchInterval);
    }
  }

  /** Defaults: 5 rollouts at once, checked every 5 s, no webhook receiver. */
  public static UpdateSettings defaults() {
    return new UpdateSettings(5, Duration.ofSeconds(5), null);
  }

  public UpdateSettings withWebhook(WebhookOptions options) {
    return new UpdateSettings(clusterRolloutLimit, watchInterval, options);
  }
}
