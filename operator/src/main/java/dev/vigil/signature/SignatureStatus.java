package dev.vigil.signature;

/** Outcome of checking an image's signatures against a policy's authorities. */
public enum SignatureStatus {
  /** At least one signature verified under at least one authority. */
  Verified,
  /** No signature of any kind is attached to the image. */
  Unsigned,
  /** Signatures exist but none verified under any authority. */
  Invalid,
  /** The signatures could not be fetched or the trust material could not be loaded. */
  Error
}
