package dev.vigil.operator;

import dev.vigil.metrics.ScanMetrics;
import dev.vigil.webhook.PushListener;
import dev.vigil.webhook.WebhookSecret;
import dev.vigil.webhook.WebhookServer;
import dev.vigil.webhook.WebhookSettings;
import dev.vigil.webhook.WebhookStats;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Starts the registry webhook receiver with its shared secret read from a Secret. */
final class WebhookReceiver {

  private WebhookReceiver() {}

  /**
   * Reads the secret and starts listening.
   *
   * @throws IllegalStateException when the Secret or its key is missing, unreadable or too short
   * @throws IOException when the address cannot be bound
   */
  static WebhookServer start(KubernetesClient client, WebhookOptions options, PushListener listener,
      ScanMetrics metrics) throws IOException {
    WebhookSecret secret = secret(client, options.secret());
    return WebhookServer.start(WebhookSettings.defaults(options.address()), secret, listener, stats(metrics));
  }

  static WebhookSecret secret(KubernetesClient client, WebhookOptions.SecretKeyRef ref) {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(ref.namespace()).withName(ref.name()).get();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("webhook secret: cannot read Secret " + ref.namespace() + "/"
          + ref.name() + ": " + e.getMessage(), e);
    }
    if (secret == null) {
      throw new IllegalStateException("webhook secret: Secret " + ref.namespace() + "/" + ref.name()
          + " does not exist");
    }
    byte[] value = null;
    if (secret.getData() != null && secret.getData().containsKey(ref.key())) {
      try {
        value = Base64.getDecoder().decode(secret.getData().get(ref.key()));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("webhook secret: key '" + ref.key() + "' of Secret "
            + ref.namespace() + "/" + ref.name() + " is not base64", e);
      }
    } else if (secret.getStringData() != null && secret.getStringData().containsKey(ref.key())) {
      value = secret.getStringData().get(ref.key()).getBytes(StandardCharsets.UTF_8);
    }
    if (value == null) {
      throw new IllegalStateException("webhook secret: Secret " + ref.namespace() + "/" + ref.name()
          + " has no key '" + ref.key() + "'");
    }
    try {
      return WebhookSecret.of(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("webhook secret " + ref + ": " + e.getMessage(), e);
    }
  }

  private static WebhookStats stats(ScanMetrics metrics) {
    return new WebhookStats() {
      @Override
      public void accepted() {
        metrics.webhookRequest(ScanMetrics.WebhookResult.ACCEPTED);
      }

      @Override
      public void unauthorized() {
        metrics.webhookRequest(ScanMetrics.WebhookResult.UNAUTHORIZED);
      }

      @Override
      public void rejected() {
        metrics.webhookRequest(ScanMetrics.WebhookResult.REJECTED);
      }

      @Override
      public void rateLimited() {
        metrics.webhookRequest(ScanMetrics.WebhookResult.RATE_LIMITED);
      }
    };
  }
}
