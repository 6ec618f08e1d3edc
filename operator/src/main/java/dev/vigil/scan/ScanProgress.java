package dev.vigil.scan;

/** Hears what a scan is doing, for a CLI's progress lines; the operator passes {@link #NONE}. */
public interface ScanProgress {

  ScanProgress NONE = new ScanProgress() {};

  /** The image resolved to a platform manifest with this many layers. */
  default void resolved(String reference, String manifestDigest, int layers) {}

  /** A layer is about to be read from the registry (not called for cached layers). */
  default void layerStarted(int index, int count, String digest, long compressedBytes) {}

  /** A layer finished. */
  default void layerDone(int index, int count, String digest, boolean fromCache) {}
}
