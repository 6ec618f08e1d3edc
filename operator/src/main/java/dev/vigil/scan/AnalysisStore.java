package dev.vigil.scan;

import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;

/**
 * Durable analyses behind the in-memory cache: what reading an image found survives restarts
 * and outgrows the heap, so re-matching (a database refresh, a policy change) reads no image
 * again. Implementations never throw: a store that cannot answer is a cache miss, a store that
 * cannot write only costs a re-read later.
 */
public interface AnalysisStore {

  /** No durable store: every cache miss reads the image. */
  AnalysisStore NONE = new AnalysisStore() {
    @Override
    public ImageAnalysis find(String digest, Platform platform, ImageCheckSettings settings,
        ImageReference reference) {
      return null;
    }

    @Override
    public void save(String digest, Platform platform, ImageCheckSettings settings, ImageAnalysis analysis) {}
  };

  /**
   * The stored analysis of a digest, as a request naming it by {@code reference} sees it; null
   * when none is stored, it was written by another analyzer version, it is unreadable, or it
   * has no findings for these check settings.
   *
   * @param platform the platform an index digest is resolved for
   */
  ImageAnalysis find(String digest, Platform platform, ImageCheckSettings settings, ImageReference reference);

  /** Stores a fresh analysis of {@code digest} made under {@code settings}. */
  void save(String digest, Platform platform, ImageCheckSettings settings, ImageAnalysis analysis);
}
