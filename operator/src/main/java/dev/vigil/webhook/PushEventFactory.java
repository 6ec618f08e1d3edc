package dev.vigil.webhook;

import dev.vigil.registry.ImageReference;
import dev.vigil.registry.RegistryHosts;
import java.time.Instant;
import java.util.Locale;

/**
 * Turns what a payload says (registry host, repository, tag, digest) into a {@link PushEvent} in
 * the normalised form of {@link ImageReference}: host in lower case, Docker Hub's aliases as
 * "docker.io", official images under "library/".
 */
final class PushEventFactory {

  private PushEventFactory() {}

  /**
   * @param host registry host[:port] as the sender wrote it; null means Docker Hub, as in an image
   *     reference without a registry part
   * @param repository repository path on that registry
   * @param tag tag or null
   * @param digest manifest digest or null
   * @param where where in the payload these came from, for messages
   * @throws WebhookPayloadException when the parts do not form a valid image reference
   */
  static PushEvent create(
      String host,
      String repository,
      String tag,
      String digest,
      WebhookFormat source,
      Instant receivedAt,
      String where)
      throws WebhookPayloadException {
    if (tag == null && digest == null) {
      throw new WebhookPayloadException(where + ": names neither a tag nor a digest");
    }
    String registry =
        host == null || RegistryHosts.isDockerHub(host)
            ? RegistryHosts.DOCKER_HUB
            : host.toLowerCase(Locale.ROOT);
    StringBuilder text = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    ImageReference reference;
    try {
      reference = ImageReference.parse(text.toString());
    } catch (IllegalArgumentException e) {
      throw new WebhookPayloadException(where + ": " + e.getMessage(), e);
    }
    if (!reference.registry().equals(registry)) {
      // e.g. host "registry" without a dot or port: Docker would read it as a Hub namespace.
      throw new WebhookPayloadException(
          where
              + ": registry host \""
              + host
              + "\" cannot name a registry in an image reference (it needs a '.' or a port)");
    }
    return new PushEvent(
        reference.registry(), reference.repository(), tag, digest, source, receivedAt);
  }
}
