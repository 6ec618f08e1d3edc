package dev.vigil.registry;

import java.util.List;

/**
 * An image reference resolved to the single-platform manifest a node would run.
 *
 * @param reference the reference that was resolved
 * @param indexDigest digest of the index or manifest list the reference pointed to; null when
 *     it pointed straight at an image manifest
 * @param platform the platform of the chosen index entry; null when there was no index (the
 *     config blob then tells the platform)
 * @param rawManifest the chosen image manifest as served; its digest is the image digest
 * @param manifest the parsed image manifest
 */
public record ResolvedImage(
    ImageReference reference,
    String indexDigest,
    Platform platform,
    RawManifest rawManifest,
    ImageManifest manifest) {

  /** Digest of the platform image manifest: what the container runtime reports as image ID. */
  public String manifestDigest() {
    return rawManifest.digest();
  }

  /** The index digest when there is one, else the manifest digest: what the tag points to. */
  public String topDigest() {
    return indexDigest != null ? indexDigest : rawManifest.digest();
  }

  /** Media type of the image manifest (OCI or Docker v2). */
  public String manifestMediaType() {
    return rawManifest.mediaType();
  }

  /** The config blob's descriptor. */
  public Descriptor config() {
    return manifest.config();
  }

  /** The layer blobs' descriptors, base first. */
  public List<Descriptor> layers() {
    return manifest.layers();
  }
}
