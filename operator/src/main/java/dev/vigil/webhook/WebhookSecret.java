package dev.vigil.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret webhook senders prove they know, either by sending it (as a header or query
 * parameter) or by signing the body with it (GitHub's HMAC-SHA256). All comparisons take the same
 * time whatever the candidate holds. Never printed.
 */
public final class WebhookSecret {

  /** Shorter secrets are refused: a sent token is only as strong as it is long. */
  public static final int MIN_LENGTH = 16;

  private static final String HMAC_SHA256 = "HmacSHA256";

  private final byte[] secret;
  private final byte[] secretHash;

  private WebhookSecret(byte[] secret) {
    this.secret = secret;
    this.secretHash = sha256(secret);
  }

  /**
   * @param secret the secret's bytes exactly as the senders are configured with them (a trailing
   *     newline from a careless {@code echo} counts)
   * @throws IllegalArgumentException when shorter than {@link #MIN_LENGTH} bytes
   */
  public static WebhookSecret of(byte[] secret) {
    if (secret == null || secret.length < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "webhook secret must be at least "
              + MIN_LENGTH
              + " bytes, got "
              + (secret == null ? 0 : secret.length));
    }
    return new WebhookSecret(secret.clone());
  }

  /** True when the candidate is the secret itself. */
  boolean matches(byte[] candidate) {
    // Hashing first makes the comparison independent of the candidate's length as well.
    return candidate != null && MessageDigest.isEqual(secretHash, sha256(candidate));
  }

  /** True when the candidate string's UTF-8 bytes are the secret. */
  boolean matches(String candidate) {
    return candidate != null && matches(candidate.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * True when {@code hexSignature} is the lower- or upper-case hex HMAC-SHA256 of the body under
   * this secret.
   */
  boolean signs(byte[] body, String hexSignature) {
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hexSignature);
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(hmacSha256(body), given);
  }

  private byte[] hmacSha256(byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(secret, HMAC_SHA256));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("JDK cannot compute HMAC-SHA256", e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSecret[redacted]";
  }
}
