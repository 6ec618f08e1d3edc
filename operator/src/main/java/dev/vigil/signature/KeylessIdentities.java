package dev.vigil.signature;

import java.util.stream.Collectors;

/** Matches a certificate's identity against a keyless authority's list. */
final class KeylessIdentities {

  private KeylessIdentities() {}

  static void requireMatch(CertificateIdentity identity, KeylessAuthority authority)
      throws VerificationFailure {
    for (Identity accepted : authority.identities()) {
      if (accepted.matches(identity)) {
        return;
      }
    }
    throw new VerificationFailure(
        "certificate identity (subject "
            + identity.subject()
            + ", issuer "
            + identity.issuer()
            + ") matches none of authority "
            + authority.name()
            + "'s identities ["
            + authority.identities().stream().map(Identity::toString).collect(Collectors.joining("; "))
            + "]");
  }
}
