package dev.vigil.image;

/**
 * A layer could not be turned into {@link LayerFacts}, or an image's layers together broke a
 * limit. The scan of the image ends with this error; the process carries on.
 */
public final class LayerException extends Exception {

  /** Why the layer was refused, so callers and metrics can tell bad input from I/O trouble. */
  public enum Reason {
    /** The (decompressed) stream is not a tar archive. */
    NOT_A_TAR,
    /** The blob uses a compression Vigil does not decode (xz, bzip2, ...). */
    UNSUPPORTED_COMPRESSION,
    /** Compressed data or a tar header is malformed. */
    CORRUPT,
    /** The blob ends before the compressed stream or the tar archive does. */
    TRUNCATED,
    /** The uncompressed tar does not hash to the diff_id the image config names. */
    DIFF_ID_MISMATCH,
    /** An entry is absolute or climbs out of the image root with "..". */
    UNSAFE_PATH,
    /** A {@link WalkLimits} limit was exceeded. */
    LIMIT_EXCEEDED,
    /** Reading the blob itself failed (network, registry). */
    READ_FAILED
  }

  private final Reason reason;
  private final String layerDigest;
  private final String detail;

  public LayerException(Reason reason, String layerDigest, String detail) {
    this(reason, layerDigest, detail, null);
  }

  public LayerException(Reason reason, String layerDigest, String detail, Throwable cause) {
    super("layer " + layerDigest + ": " + detail, cause);
    this.reason = reason;
    this.layerDigest = layerDigest;
    this.detail = detail;
  }

  public Reason reason() {
    return reason;
  }

  public String layerDigest() {
    return layerDigest;
  }

  /** The message without the layer prefix. */
  public String detail() {
    return detail;
  }

  /**
   * A copy for another thread that waited on the same walk, so its stack trace shows where
   * it waited while the cause keeps the walk's own trace.
   */
  LayerException copyForWaiter() {
    return new LayerException(reason, layerDigest, detail, this);
  }
}
