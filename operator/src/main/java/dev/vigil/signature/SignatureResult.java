package dev.vigil.signature;

import java.time.Instant;
import java.util.List;

/**
 * What a signature check concluded for one image digest.
 *
 * @param status Verified, Unsigned, Invalid or Error
 * @param authority the name of the authority that verified it (Verified only)
 * @param identity the signer: certificate subject for keyless, key description for keys
 * @param issuer the OIDC issuer for keyless signatures
 * @param verifiedAt when Vigil made the decision
 * @param reason one sentence a person can act on: why it passed or why it failed
 * @param details one entry per (signature, authority) pair that was checked
 */
public record SignatureResult(
    SignatureStatus status,
    String authority,
    String identity,
    String issuer,
    Instant verifiedAt,
    String reason,
    List<SignatureCheck> details) {

  public SignatureResult {
    details = details == null ? List.of() : List.copyOf(details);
  }

  public boolean verified() {
    return status == SignatureStatus.Verified;
  }
}
