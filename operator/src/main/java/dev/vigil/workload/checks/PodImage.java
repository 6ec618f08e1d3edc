package dev.vigil.workload.checks;

import dev.vigil.registry.ImageReference;

/**
 * A container's image reference as written in the pod spec, normalised the way the kubelet does. A
 * reference the kubelet would reject (InvalidImageName) is kept with the reason instead of failing
 * every other check of the container.
 *
 * @param written the image field as written, null when the field is missing
 * @param reference the normalised reference, null when {@code written} is not a valid reference
 * @param problem why {@code written} is not a valid reference, null when it is
 */
record PodImage(String written, ImageReference reference, String problem) {

  static PodImage of(String written) {
    if (written == null || written.isBlank()) {
      return new PodImage(written, null, "image is not set");
    }
    try {
      return new PodImage(written, ImageReference.parse(written), null);
    } catch (IllegalArgumentException e) {
      return new PodImage(written, null, e.getMessage());
    }
  }

  boolean isValid() {
    return reference != null;
  }

  /** True when the reference names a tag in the text itself (not only by defaulting to latest). */
  boolean hasWrittenTag() {
    String name = written;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    // A ':' before the last '/' is a registry port, not a tag.
    return name.substring(name.lastIndexOf('/') + 1).contains(":");
  }

  /**
   * True for a reference that names what the registry currently calls "latest", written or
   * defaulted, without a digest: every pull may get a different image.
   */
  boolean isMutableTag() {
    return reference != null && !reference.hasDigest() && "latest".equals(reference.tag());
  }
}
