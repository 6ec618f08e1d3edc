package dev.vigil.webhook;

import java.util.Optional;

/**
 * The payload formats the receiver understands, each on its own path. The format is chosen by the
 * path the sender was configured with, never guessed from the body: a body that fits two formats
 * loosely cannot be misread as the wrong one.
 */
public enum WebhookFormat {
  /** CNCF distribution (Docker registry) notifications envelope. */
  DISTRIBUTION("distribution"),
  /** Azure Container Registry webhook: one distribution-style event per request. */
  ACR("acr"),
  /** Harbor webhook, "Default" payload format. */
  HARBOR("harbor"),
  /** Docker Hub repository webhook. */
  DOCKER_HUB("dockerhub"),
  /** Quay repository-push notification. */
  QUAY("quay"),
  /** GitHub {@code package} and {@code registry_package} events (ghcr.io). */
  GITHUB("github");

  /** Common prefix of every webhook path. */
  public static final String PATH_PREFIX = "/webhook/";

  private final String pathName;

  WebhookFormat(String pathName) {
    this.pathName = pathName;
  }

  /** The request path for this format, e.g. "/webhook/harbor". */
  public String path() {
    return PATH_PREFIX + pathName;
  }

  /** The format served at exactly this path (no trailing slash, case-sensitive). */
  public static Optional<WebhookFormat> forPath(String path) {
    for (WebhookFormat format : values()) {
      if (format.path().equals(path)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }
}
