package dev.vigil.signature;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * PKIX path validation at a given moment (the signing time, never "now": Fulcio certificates
 * live ten minutes and TSA chains expire long before the signatures they timestamp).
 */
final class CertificatePaths {

  private CertificatePaths() {}

  /**
   * Validates {@code leaf}, then each certificate of {@code issuers} but the last, up to the
   * last one as trust anchor, at {@code time}. Unlike the JDK validator alone, the trust anchor
   * must also be valid at that time. No revocation checking: Sigstore certificates are
   * short-lived and the trusted root's validity periods play that role.
   *
   * @throws VerificationFailure with PKIX's reason
   */
  static void validate(X509Certificate leaf, List<X509Certificate> issuers, Instant time)
      throws VerificationFailure {
    X509Certificate anchor = issuers.get(issuers.size() - 1);
    try {
      anchor.checkValidity(Date.from(time));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new VerificationFailure(
          "certificate " + anchor.getSubjectX500Principal().getName() + " (valid "
              + anchor.getNotBefore().toInstant() + " to " + anchor.getNotAfter().toInstant()
              + ") was not valid at " + time);
    }
    if (leaf.equals(anchor)) {
      return;
    }
    List<X509Certificate> path = new ArrayList<>();
    path.add(leaf);
    path.addAll(issuers.subList(0, issuers.size() - 1));
    try {
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(time));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (CertPathValidatorException e) {
      throw new VerificationFailure(
          "certificate chain does not validate at " + time + ": " + TrustedRoots.messageOf(e), e);
    } catch (GeneralSecurityException e) {
      throw new VerificationFailure(
          "certificate chain could not be checked: " + TrustedRoots.messageOf(e), e);
    }
  }
}
