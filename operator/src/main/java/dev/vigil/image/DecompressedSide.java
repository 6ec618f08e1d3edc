package dev.vigil.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The decompressor's output as it is produced: where the size and compression-ratio limits
 * stop a layer early, before a decompression bomb has been read to its end. It sits on the
 * thread that reads the blob, next to the {@link BlobSide} whose count the ratio compares
 * against, so both counts are taken at the same moment.
 */
final class DecompressedSide extends InputStream {

  private final InputStream decompressed;
  private final BlobSide blob;
  private final boolean compressed;
  private final WalkLimits limits;
  private final String layerDigest;
  private long bytesRead;

  DecompressedSide(
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
  }

  @Override
  public int read() throws IOException {
    int b = decompressed.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = decompressed.read(buffer, offset, length);
    if (n > 0) {
      counted(n);
    }
    return n;
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
