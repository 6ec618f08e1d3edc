package dev.vigil.webhook;

import dev.vigil.registry.ImageReference;
import dev.vigil.registry.RegistryHosts;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A registry says: repository R on registry G now has tag T (pointing at digest D). Built only by
 * the payload parsers, which normalise registry and repository the way {@link ImageReference} does,
 * so the event can be compared with the references in pod specs.
 *
 * @param registry registry as in normalised references: "docker.io" for Docker Hub, otherwise the
 *     host[:port] in lower case ("ghcr.io", "registry.example.com:5000")
 * @param repository repository path on that registry ("library/nginx", "team/app")
 * @param tag the tag that moved, or null when the push named only a digest
 * @param digest the manifest digest pushed, or null when the sender does not say
 * @param source the payload format the event came in
 * @param receivedAt when the receiver got the request
 */
public record PushEvent(
    String registry,
    String repository,
    String tag,
    String digest,
    WebhookFormat source,
    Instant receivedAt) {

  public PushEvent {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(receivedAt, "receivedAt");
    if (tag == null && digest == null) {
      throw new IllegalArgumentException(
          "a push event names a tag or a digest: " + registry + "/" + repository);
    }
    // Every event must be a valid reference already in normalised form.
    ImageReference parsed = ImageReference.parse(text(registry, repository, tag, digest));
    String normalisedRegistry = normalisedHost(parsed.registry());
    if (!normalisedRegistry.equals(registry) || !parsed.repository().equals(repository)) {
      throw new IllegalArgumentException(
          registry
              + "/"
              + repository
              + " is not normalised (normalises to "
              + normalisedRegistry
              + "/"
              + parsed.repository()
              + ")");
    }
  }

  /** The pushed image as a reference: tag and digest when both are known. */
  public ImageReference reference() {
    return ImageReference.parse(text(registry, repository, tag, digest));
  }

  /** "registry/repository:tag@digest (FORMAT)", for logs. */
  @Override
  public String toString() {
    return text(registry, repository, tag, digest) + " (" + source + ")";
  }

  private static String normalisedHost(String registry) {
    return RegistryHosts.isDockerHub(registry)
        ? RegistryHosts.DOCKER_HUB
        : registry.toLowerCase(Locale.ROOT);
  }

  private static String text(String registry, String repository, String tag, String digest) {
    StringBuilder text = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    return text.toString();
  }
}
