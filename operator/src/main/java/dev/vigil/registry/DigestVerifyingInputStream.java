package dev.vigil.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes a blob while it is read and, at end of data, fails unless the bytes hash to the
 * expected digest and (when known) add up to the expected size. A stream that breaks off
 * early fails too, so a caller that read to the end has read exactly the blob.
 */
final class DigestVerifyingInputStream extends FilterInputStream {

  private final Digest expected;
  private final long expectedSize;
  private final MessageDigest hash;
  private final String registry;
  private final String repository;
  private long count;
  private boolean verified;
  private RegistryException failure;

  /**
   * @param expectedSize the size the descriptor declares, or -1 when unknown
   */
  DigestVerifyingInputStream(
      InputStream in, Digest expected, long expectedSize, String registry, String repository) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.hash = expected.newMessageDigest();
    this.registry = registry;
    this.repository = repository;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (verified) {
      return -1;
    }
    int n;
    try {
      n = super.read(b, off, len);
    } catch (RegistryException e) {
      throw e;
    } catch (IOException e) {
      throw fail(
          RegistryException.Kind.UNAVAILABLE,
          "download of blob " + expected + " broke off after " + count + " bytes: " + e.getMessage(),
          e);
    }
    if (n < 0) {
      verify();
      return -1;
    }
    count += n;
    if (expectedSize >= 0 && count > expectedSize) {
      throw fail(
          RegistryException.Kind.DIGEST_MISMATCH,
          "blob " + expected + " is longer than the " + expectedSize + " bytes its descriptor declares",
          null);
    }
    hash.update(b, off, n);
    return n;
  }

  private void verify() throws RegistryException {
    if (expectedSize >= 0 && count != expectedSize) {
      throw fail(
          RegistryException.Kind.DIGEST_MISMATCH,
          "blob " + expected + " is truncated: got " + count + " of " + expectedSize + " bytes",
          null);
    }
    Digest actual = Digest.fromMessageDigest(expected.algorithm(), hash.digest());
    if (!actual.equals(expected)) {
      throw fail(
          RegistryException.Kind.DIGEST_MISMATCH,
          "blob content (" + count + " bytes) hashes to " + actual + ", expected " + expected,
          null);
    }
    verified = true;
  }

  private RegistryException fail(RegistryException.Kind kind, String detail, Throwable cause) {
    failure =
        new RegistryException(kind, registry, repository, "read blob " + expected, detail, -1, cause);
    try {
      in.close();
    } catch (IOException ignored) {
      // the failure above is what matters
    }
    return failure;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be hashed.
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return failure != null || verified ? 0 : super.available();
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}
