package dev.vigil.rollout;

import dev.vigil.registry.ImageReference;

/**
 * Image strings as a PinDigest rollout writes them: the repository exactly as the pod spec spelled
 * it ("nginx", "ghcr.io/acme/web"), the tag kept for humans, and the digest that actually decides
 * what runs: {@code nginx:1.25@sha256:...}.
 */
final class ImagePin {

  private ImagePin() {}

  /**
   * The written image moved to {@code tag@digest}.
   *
   * @throws IllegalArgumentException when the result is not a valid image reference
   */
  static String pin(String written, String tag, String digest) {
    String pinned = repositoryPart(written) + ":" + tag + "@" + digest;
    ImageReference.parse(pinned);
    return pinned;
  }

  /**
   * The written image without tag and digest ("localhost:5000/app:1@sha256:..." →
   * "localhost:5000/app").
   */
  static String repositoryPart(String written) {
    String name = written;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    // A ':' before the last '/' belongs to a registry port, not a tag.
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    return name;
  }

  /** The digest of a written image, or null when it has none. */
  static String digestOf(String written) {
    int at = written.indexOf('@');
    return at < 0 ? null : written.substring(at + 1);
  }
}
