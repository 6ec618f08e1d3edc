package dev.vigil.signature;

import java.time.Instant;

/**
 * The result of checking one signature (a cosign signature layer or an attached Sigstore
 * bundle) against one authority. The CLI and the verbose report list these.
 *
 * @param source where the signature came from, e.g. "cosign sha256-ab12….sig layer 0"
 * @param authority the authority it was checked against
 * @param verified whether it passed
 * @param reason why it passed or the first check that failed
 * @param identity the keyless certificate subject, or the key description; null when unknown
 * @param issuer the keyless OIDC issuer; null for keys
 * @param signedAt the transparency log's integrated time when one was verified, else null
 */
public record SignatureCheck(
    String source,
    String authority,
    boolean verified,
    String reason,
    String identity,
    String issuer,
    Instant signedAt) {

  static SignatureCheck failed(String source, String authority, String reason) {
    return new SignatureCheck(source, authority, false, reason, null, null, null);
  }

  @Override
  public String toString() {
    return source + " / " + authority + ": " + (verified ? "verified: " : "rejected: ") + reason;
  }
}
