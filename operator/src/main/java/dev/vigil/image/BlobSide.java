package dev.vigil.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * The layer blob as it comes from the registry: counts compressed bytes (for the bomb check)
 * and marks failures of the source itself, so they are reported as read failures rather than
 * as a corrupt layer. Closing it leaves the blob open: the caller owns the blob.
 */
final class BlobSide extends InputStream {

  private final InputStream blob;
  private final String layerDigest;
  private long bytesRead;

  BlobSide(InputStream blob, String layerDigest) {
    this.blob = blob;
    this.layerDigest = layerDigest;
  }

  long bytesRead() {
    return bytesRead;
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = blob.read();
    } catch (IOException e) {
      throw failed(e);
    }
    if (b >= 0) {
      bytesRead++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n;
    try {
      n = blob.read(buffer, offset, length);
    } catch (IOException e) {
      throw failed(e);
    }
    if (n > 0) {
      bytesRead += n;
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    try {
      return blob.available();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void close() {
    // The caller opened the blob and closes it.
  }

  private WalkAbort failed(IOException e) {
    return new WalkAbort(
        new LayerException(
            LayerException.Reason.READ_FAILED,
            layerDigest,
            "reading the blob failed after " + bytesRead + " bytes: " + e.getMessage(),
            e));
  }
}
