package dev.vigil.signature;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it, {@code <algorithm>:<hex>}. Only sha256 and sha512 are
 * accepted: they are the algorithms OCI registries and Sigstore statements use.
 */
public record ImageDigest(String algorithm, String hex) {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  public ImageDigest {
    if (algorithm == null || hex == null) {
      throw new IllegalArgumentException("digest algorithm and value are required");
    }
    int expected =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default ->
              throw new IllegalArgumentException(
                  "unsupported digest algorithm '" + algorithm + "' (expected sha256 or sha512)");
        };
    if (hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "malformed " + algorithm + " digest: expected " + expected + " lowercase hex characters");
    }
  }

  /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
  public static ImageDigest parse(String digest) {
    if (digest == null) {
      throw new IllegalArgumentException("digest is required");
    }
    int colon = digest.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "malformed digest '" + digest + "': expected <algorithm>:<hex>");
    }
    return new ImageDigest(
        digest.substring(0, colon), digest.substring(colon + 1).toLowerCase(Locale.ROOT));
  }

  public static ImageDigest sha256(byte[] digestBytes) {
    return new ImageDigest("sha256", HexFormat.of().formatHex(digestBytes));
  }

  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  public boolean isSha256() {
    return algorithm.equals("sha256");
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
