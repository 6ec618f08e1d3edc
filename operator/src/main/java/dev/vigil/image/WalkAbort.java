package dev.vigil.image;

import java.io.IOException;

/**
 * Carries a {@link LayerException} out through library code (decompressors, the tar reader)
 * that only lets {@link IOException}s pass. {@link LayerWalker} unwraps it.
 */
final class WalkAbort extends IOException {

  private final LayerException layerException;

  WalkAbort(LayerException layerException) {
    super(layerException.getMessage(), layerException);
    this.layerException = layerException;
  }

  LayerException layerException() {
    return layerException;
  }
}
