package dev.vigil.signature;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Where the Sigstore trust material (Fulcio CAs, Rekor and CT log keys, TSAs) comes from:
 * a trusted_root.json given inline, or the Sigstore public-good instance fetched through TUF.
 */
public sealed interface TrustedRootSource {

  /** A stable key for caching what was loaded from this source. */
  String cacheKey();

  static TrustedRootSource json(byte[] trustedRootJson) {
    return new Json(trustedRootJson);
  }

  static TrustedRootSource publicGoodTuf() {
    return PublicGoodTuf.INSTANCE;
  }

  /** A trusted root in Sigstore's trustedroot+json format. */
  final class Json implements TrustedRootSource {
    private final byte[] bytes;
    private final String sha256;

    private Json(byte[] bytes) {
      if (bytes == null || bytes.length == 0) {
        throw new IllegalArgumentException("trusted root JSON is empty");
      }
      this.bytes = bytes.clone();
      try {
        this.sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      }
    }

    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public String cacheKey() {
      return "json:" + sha256;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Json other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return sha256.hashCode();
    }

    @Override
    public String toString() {
      return "trusted root sha256:" + sha256.substring(0, 12);
    }
  }

  /** The Sigstore public-good instance, its trusted root kept current through TUF. */
  final class PublicGoodTuf implements TrustedRootSource {
    static final PublicGoodTuf INSTANCE = new PublicGoodTuf();

    private PublicGoodTuf() {}

    @Override
    public String cacheKey() {
      return "public-good-tuf";
    }

    @Override
    public String toString() {
      return "Sigstore public-good (TUF)";
    }
  }
}
