package dev.vigil.image;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The uncompressed tar stream as the tar reader consumes it: every byte passes here exactly
 * once, so this is where the diff_id is hashed. The limits are enforced earlier, where the
 * bytes are decompressed ({@link DecompressedSide}).
 */
final class TarSide extends InputStream {

  private final InputStream tar;
  private final MessageDigest sha256;
  private final byte[] skipBuffer = new byte[64 * 1024];
  private long bytesRead;

  TarSide(InputStream tar) {
    this.tar = tar;
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
    int b = tar.read();
    if (b >= 0) {
      sha256.update((byte) b);
      bytesRead++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = tar.read(buffer, offset, length);
    if (n > 0) {
      sha256.update(buffer, offset, n);
      bytesRead += n;
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
    return tar.available();
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
