package dev.vigil.signature;

/**
 * Who may sign an image: a named public key, or keyless (Fulcio) identities. When an image is
 * checked against several authorities, any one of them is enough.
 */
public sealed interface Authority permits KeyAuthority, KeylessAuthority {

  /** The name the policy gave this authority; reported as who verified an image. */
  String name();

  /**
   * True when a signature only counts if its transparency-log entry (Rekor) verifies. Keyless
   * authorities always require it: the log's integrated time is what proves the short-lived
   * certificate was valid when the signature was made.
   */
  boolean requireTransparencyLog();

  /** Trust material for the transparency log (and, for keyless, the Fulcio CAs and CT logs). */
  TrustedRootSource trustedRoot();

  /**
   * A string that changes whenever anything that affects verification changes; used to key
   * cached results.
   */
  String fingerprint();

  static void requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("authority name is required");
    }
  }
}
