package dev.vigil.image;

import java.util.Locale;
import java.util.Optional;

/** How a layer blob is compressed. */
public enum LayerCompression {
  NONE,
  GZIP,
  ZSTD;

  /** Bytes needed by {@link #sniff}. */
  static final int MAGIC_LENGTH = 6;

  /**
   * The compression a layer media type declares, or empty when the type names none we know
   * (foreign, nondistributable and vendor types are still walked; the bytes decide).
   */
  public static Optional<LayerCompression> declaredBy(String mediaType) {
    if (mediaType == null) {
      return Optional.empty();
    }
    String type = mediaType.toLowerCase(Locale.ROOT);
    if (type.endsWith("+gzip") || type.endsWith(".tar.gzip") || type.endsWith(".tar.gz")) {
      return Optional.of(GZIP);
    }
    if (type.endsWith("+zstd") || type.endsWith(".tar.zstd")) {
      return Optional.of(ZSTD);
    }
    if (type.endsWith(".tar") || type.endsWith("+tar")) {
      return Optional.of(NONE);
    }
    return Optional.empty();
  }

  /**
   * The compression the first bytes of a blob show. Anything that is neither gzip nor zstd is
   * handed to the tar reader, which refuses it clearly if it is not a tar either.
   *
   * @throws UnsupportedCompression for xz and bzip2, which OCI layers do not use
   */
  static LayerCompression sniff(byte[] head, int length) throws UnsupportedCompression {
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (length >= 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    if (length >= 6
        && (head[0] & 0xff) == 0xfd
        && head[1] == '7'
        && head[2] == 'z'
        && head[3] == 'X'
        && head[4] == 'Z'
        && head[5] == 0) {
      throw new UnsupportedCompression("xz");
    }
    if (length >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      throw new UnsupportedCompression("bzip2");
    }
    return NONE;
  }

  /** The blob is compressed with something layers may not use. */
  static final class UnsupportedCompression extends Exception {
    UnsupportedCompression(String format) {
      super(format + " compressed data; layers must be plain tar, gzip or zstd");
    }
  }
}
