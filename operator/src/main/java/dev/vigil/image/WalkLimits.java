package dev.vigil.image;

/**
 * Bounds on what one layer walk, and the layers of one image together, may cost. Every limit
 * exists because a registry is untrusted input: a hostile or broken image must end its own
 * scan with a clear error, never the operator process.
 *
 * @param maxEntriesPerLayer tar entries in one layer
 * @param maxLayerBytes uncompressed bytes of one layer
 * @param maxImageBytes uncompressed bytes of all layers of one image
 * @param maxCompressionRatio uncompressed/compressed bytes; above it a layer is taken for a
 *     decompression bomb, once it has produced more than {@code ratioCheckAfterBytes}
 * @param ratioCheckAfterBytes uncompressed bytes read before the ratio is enforced, so small
 *     layers of zeros or text are never refused
 * @param maxCapturedBytes file contents kept for analyzers, per layer and per image
 * @param maxPathLength characters of an entry's path or link target
 * @param maxHeaderRecordBytes size of one PAX or GNU long-name record, which the tar reader
 *     buffers whole in memory
 */
public record WalkLimits(
    long maxEntriesPerLayer,
    long maxLayerBytes,
    long maxImageBytes,
    double maxCompressionRatio,
    long ratioCheckAfterBytes,
    long maxCapturedBytes,
    int maxPathLength,
    long maxHeaderRecordBytes) {

  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024 * MIB;

  public static final WalkLimits DEFAULTS =
      new WalkLimits(1_000_000, 16 * GIB, 32 * GIB, 200, 64 * MIB, 256 * MIB, 4096, MIB);

  public WalkLimits {
    requirePositive("maxEntriesPerLayer", maxEntriesPerLayer);
    requirePositive("maxLayerBytes", maxLayerBytes);
    requirePositive("maxImageBytes", maxImageBytes);
    if (!(maxCompressionRatio >= 1)) {
      throw new IllegalArgumentException("maxCompressionRatio must be at least 1: " + maxCompressionRatio);
    }
    if (ratioCheckAfterBytes < 0) {
      throw new IllegalArgumentException("ratioCheckAfterBytes must not be negative: " + ratioCheckAfterBytes);
    }
    requirePositive("maxCapturedBytes", maxCapturedBytes);
    requirePositive("maxPathLength", maxPathLength);
    requirePositive("maxHeaderRecordBytes", maxHeaderRecordBytes);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  public WalkLimits withMaxEntriesPerLayer(long value) {
    return new WalkLimits(value, maxLayerBytes, maxImageBytes, maxCompressionRatio,
        ratioCheckAfterBytes, maxCapturedBytes, maxPathLength, maxHeaderRecordBytes);
  }

  public WalkLimits withMaxLayerBytes(long value) {
    return new WalkLimits(maxEntriesPerLayer, value, maxImageBytes, maxCompressionRatio,
        ratioCheckAfterBytes, maxCapturedBytes, maxPathLength, maxHeaderRecordBytes);
  }

  public WalkLimits withMaxImageBytes(long value) {
    return new WalkLimits(maxEntriesPerLayer, maxLayerBytes, value, maxCompressionRatio,
        ratioCheckAfterBytes, maxCapturedBytes, maxPathLength, maxHeaderRecordBytes);
  }

  public WalkLimits withMaxCompressionRatio(double ratio, long checkAfterBytes) {
    return new WalkLimits(maxEntriesPerLayer, maxLayerBytes, maxImageBytes, ratio,
        checkAfterBytes, maxCapturedBytes, maxPathLength, maxHeaderRecordBytes);
  }

  public WalkLimits withMaxCapturedBytes(long value) {
    return new WalkLimits(maxEntriesPerLayer, maxLayerBytes, maxImageBytes, maxCompressionRatio,
        ratioCheckAfterBytes, value, maxPathLength, maxHeaderRecordBytes);
  }

  public WalkLimits withMaxPathLength(int value) {
    return new WalkLimits(maxEntriesPerLayer, maxLayerBytes, maxImageBytes, maxCompressionRatio,
        ratioCheckAfterBytes, maxCapturedBytes, value, maxHeaderRecordBytes);
  }

  public WalkLimits withMaxHeaderRecordBytes(long value) {
    return new WalkLimits(maxEntriesPerLayer, maxLayerBytes, maxImageBytes, maxCompressionRatio,
        ratioCheckAfterBytes, maxCapturedBytes, maxPathLength, value);
  }
}
