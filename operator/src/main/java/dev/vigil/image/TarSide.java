package dev.vigil.image;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The uncompressed tar stream: every byte passes here exactly once, so this is where the
 * diff_id is hashed and where the size and compression-ratio limits stop a layer early,
 * before a decompression bomb has been read to its end.
 */
final class TarSide extends InputStream {

  private final InputStream decompressed;
  private final BlobSide blob;
  private final boolean compressed;
  private final WalkLimits limits;
  private final String layerDigest;
  private final MessageDigest sha256;
  private final byte[] skipBuffer = new byte[64 * 1024];
  private long bytesRead;

  TarSide(
      InputStream decompressed,
      BlobSide blob,
      boolean compressed,
      WalkLimits limits,
      String layerDigest) {
    this.decompressed = decompressed;
    this.blob = blob;
    this.compressed = compressed;
    this.limits = limits;
    this.layerDigest = layerDigest;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  long bytesRead() {
    return bytesRead;
  }

  /** Hex SHA-256 of everything read so far. */
  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** Reads the rest of the stream (tar padding after the end-of-archive marker) into the hash. */
  void drain() throws IOException {
    while (read(skipBuffer, 0, skipBuffer.length) >= 0) {
      // hashing happens in read
    }
  }

  @Override
  public int read() throws IOException {
    int b = decompressed.read();
    if (b >= 0) {
      sha256.update((byte) b);
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = decompressed.read(buffer, offset, length);
    if (n > 0) {
      sha256.update(buffer, offset, n);
      counted(n);
    }
    return n;
  }

  /** Skipped bytes must still be hashed, so skipping reads. */
  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n) {
      int chunk = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - skipped));
      if (chunk < 0) {
        break;
      }
      skipped += chunk;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return decompressed.available();
  }

  @Override
  public void close() throws IOException {
    // Closes the decompressor (zstd holds native memory); BlobSide keeps the blob open.
    decompressed.close();
  }

  private void counted(int n) throws WalkAbort {
    bytesRead += n;
    if (bytesRead > limits.maxLayerBytes()) {
      throw limit(
          "uncompressed size exceeds " + limits.maxLayerBytes() + " bytes (maxLayerBytes)");
    }
    if (compressed
        && bytesRead > limits.ratioCheckAfterBytes()
        && bytesRead > limits.maxCompressionRatio() * Math.max(1, blob.bytesRead())) {
      throw limit(
          String.format(
              Locale.ROOT,
              "compression ratio exceeds %.0f:1 (maxCompressionRatio): %d bytes from %d"
                  + " compressed; refusing a likely decompression bomb",
              limits.maxCompressionRatio(),
              bytesRead,
              blob.bytesRead()));
    }
  }

  private WalkAbort limit(String detail) {
    return new WalkAbort(
        new LayerException(LayerException.Reason.LIMIT_EXCEEDED, layerDigest, detail));
  }
}
