package dev.vigil.signature;

import java.security.PublicKey;
import java.util.HexFormat;

/** An authority that trusts signatures made with one private key (cosign key pair, KMS key). */
public final class KeyAuthority implements Authority {

  private final String name;
  private final PublicKey publicKey;
  private final boolean requireTransparencyLog;
  private final TrustedRootSource trustedRoot;

  /**
   * @param publicKeyPem PEM public key: ECDSA P-256/P-384/P-521, RSA (2048 bits or more) or
   *     Ed25519
   * @param trustedRoot where the Rekor keys come from to check transparency-log entries; null
   *     means the Sigstore public-good instance
   * @throws IllegalArgumentException when the name is missing or the key cannot be used
   */
  public KeyAuthority(
      String name, String publicKeyPem, boolean requireTransparencyLog, TrustedRootSource trustedRoot) {
    Authority.requireName(name);
    try {
      this.publicKey = PublicKeys.parsePem(publicKeyPem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("authority " + name + ": " + e.getMessage(), e);
    }
    this.name = name;
    this.requireTransparencyLog = requireTransparencyLog;
    this.trustedRoot = trustedRoot == null ? TrustedRootSource.publicGoodTuf() : trustedRoot;
  }

  @Override
  public String name() {
    return name;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public boolean requireTransparencyLog() {
    return requireTransparencyLog;
  }

  @Override
  public TrustedRootSource trustedRoot() {
    return trustedRoot;
  }

  @Override
  public String fingerprint() {
    return "key|"
        + name
        + "|"
        + HexFormat.of().formatHex(PublicKeys.sha256(publicKey.getEncoded()))
        + "|tlog="
        + requireTransparencyLog
        + "|"
        + trustedRoot.cacheKey();
  }

  @Override
  public String toString() {
    return "key authority " + name;
  }
}
