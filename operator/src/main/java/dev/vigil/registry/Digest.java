package dev.vigil.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest as OCI registries use it: {@code algorithm:hex}. Only the algorithms the
 * OCI image spec registers (sha256, sha384, sha512) are accepted, because anything else
 * cannot be verified.
 */
public final class Digest {

  private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

  private final String algorithm;
  private final String hex;

  private Digest(String algorithm, String hex) {
    this.algorithm = algorithm;
    this.hex = hex;
  }

  /** Parses {@code sha256:<64 lower-case hex>} (or sha384/sha512 with their lengths). */
  public static Digest parse(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("invalid digest: empty");
    }
    int colon = value.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "invalid digest \"" + value + "\": expected <algorithm>:<hex>");
    }
    String algorithm = value.substring(0, colon);
    String hex = value.substring(colon + 1);
    int expectedLength = hexLength(algorithm);
    if (expectedLength < 0) {
      throw new IllegalArgumentException(
          "unsupported digest algorithm \"" + algorithm + "\" in \"" + value
              + "\" (supported: sha256, sha384, sha512)");
    }
    if (hex.length() != expectedLength || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid digest \"" + value + "\": " + algorithm + " needs " + expectedLength
              + " lower-case hex characters");
    }
    return new Digest(algorithm, hex);
  }

  /** The sha256 digest of some bytes. */
  public static Digest sha256(byte[] content) {
    return of("sha256", content);
  }

  /** The digest of some bytes with the given algorithm. */
  public static Digest of(String algorithm, byte[] content) {
    if (hexLength(algorithm) < 0) {
      throw new IllegalArgumentException("unsupported digest algorithm \"" + algorithm + "\"");
    }
    MessageDigest md = newMessageDigest(algorithm);
    return new Digest(algorithm, HexFormat.of().formatHex(md.digest(content)));
  }

  /** Wraps a finished message digest of this algorithm family. */
  static Digest fromMessageDigest(String algorithm, byte[] digestBytes) {
    return new Digest(algorithm, HexFormat.of().formatHex(digestBytes));
  }

  private static int hexLength(String algorithm) {
    switch (algorithm) {
      case "sha256":
        return 64;
      case "sha384":
        return 96;
      case "sha512":
        return 128;
      default:
        return -1;
    }
  }

  /** A fresh MessageDigest for this digest's algorithm. */
  public MessageDigest newMessageDigest() {
    return newMessageDigest(algorithm);
  }

  private static MessageDigest newMessageDigest(String algorithm) {
    String jdkName = "SHA-" + algorithm.substring(3);
    try {
      return MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks " + jdkName, e);
    }
  }

  /** The same content hashed with this digest's algorithm. */
  public Digest recompute(byte[] content) {
    return of(algorithm, content);
  }

  public String algorithm() {
    return algorithm;
  }

  public String hex() {
    return hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && algorithm.equals(d.algorithm) && hex.equals(d.hex);
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, hex);
  }

  /** {@code algorithm:hex}. */
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
