package dev.vigil.workload;

import dev.vigil.registry.Digest;

/**
 * Reads the registry manifest digest out of a container status's {@code imageID}.
 *
 * <p>Runtimes write that field in several shapes:
 *
 * <ul>
 *   <li>{@code docker-pullable://repo@sha256:...} (dockershim, cri-dockerd) and {@code
 *       repo@sha256:...} (containerd, CRI-O): a repository digest, i.e. the digest of the
 *       manifest the registry served. This is the only shape that names a registry digest.
 *   <li>{@code docker://sha256:...}: Docker's local image id, which is the digest of the image
 *       config, for images that were never pulled by digest (built or loaded on the node).
 *   <li>{@code sha256:...} alone: containerd reports the image id (again the config digest)
 *       when the image has no repository digest, e.g. images imported with {@code ctr import}
 *       or pre-loaded on the node. The config digest cannot be asked for at a registry's
 *       manifest endpoint, so it would make the scanner fetch the wrong object.
 * </ul>
 *
 * Everything but a repository digest therefore counts as unknown; the scanner then resolves
 * the tag in the registry instead.
 */
public final class ImageIds {

  private ImageIds() {}

  /**
   * The manifest digest ("sha256:...") an imageID names, or null when it names none (empty,
   * a local image id, a bare config digest, or malformed).
   */
  public static String registryDigest(String imageId) {
    if (imageId == null || imageId.isBlank()) {
      return null;
    }
    String value = imageId.trim();
    int scheme = value.indexOf("://");
    if (scheme >= 0) {
      value = value.substring(scheme + 3);
    }
    int at = value.lastIndexOf('@');
    if (at <= 0) {
      return null;
    }
    String digest = value.substring(at + 1);
    try {
      return Digest.parse(digest).toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
