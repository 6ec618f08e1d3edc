package dev.vigil.signature;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * Checks a Fulcio signing certificate against the trusted root, at every verified signing time
 * (the SET-backed integrated time of a Rekor v1 entry, the generation time of each RFC 3161
 * timestamp): a certificate authority of the trusted root whose validity period contains that
 * time issued it and its chain validates at that time; it carries a valid SCT from a trusted CT
 * log; it is an end-entity certificate for code signing (codeSigning EKU, digitalSignature key
 * usage); and it was itself valid at that time.
 *
 * <p>Only the trusted root's certificates are used to build the chain. Certificates a bundle
 * or cosign annotation adds after the leaf must be ones the issuing CA lists; a bundle that
 * ships another root or intermediate (for instance from another Sigstore instance) is refused.
 */
final class SigningCertificates {

  private static final String CODE_SIGNING_EKU = "1.3.6.1.5.5.7.3.3";
  private static final int DIGITAL_SIGNATURE = 0;

  private SigningCertificates() {}

  /**
   * A verified moment the signature existed, and how it is known: {@code "logged"} (a Rekor
   * integrated time backed by a SET) or {@code "timestamped"} (an RFC 3161 timestamp).
   */
  record SigningTime(Instant at, String how) {}

  /** Parses PEM certificates (leaf first) from one or more concatenated PEM texts. */
  static List<X509Certificate> parsePem(String... pemTexts) throws VerificationFailure {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (String pem : pemTexts) {
        if (pem == null || pem.isBlank()) {
          continue;
        }
        for (var certificate :
            factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
          certificates.add((X509Certificate) certificate);
        }
      }
    } catch (CertificateException | RuntimeException e) {
      throw new VerificationFailure("certificate PEM is malformed: " + TrustedRoots.messageOf(e), e);
    }
    if (certificates.isEmpty()) {
      throw new VerificationFailure("no certificate found in the PEM text");
    }
    return certificates;
  }

  /**
   * Verifies the chain, SCT, usage and validity of {@code chain.get(0)} at every one of {@code
   * signingTimes}.
   *
   * @param chain the leaf, then whatever certificates the signature came with
   * @throws VerificationFailure with the failing check
   */
  static void verify(List<X509Certificate> chain, Collection<SigningTime> signingTimes, TrustRoot root)
      throws VerificationFailure {
    if (signingTimes.isEmpty()) {
      throw new IllegalArgumentException("a signing certificate is checked at a verified time");
    }
    X509Certificate leaf = chain.get(0);
    requireEndEntityForCodeSigning(leaf);
    for (SigningTime time : signingTimes) {
      requireValidAt(leaf, time.at(), time.how());
    }
    TrustRoot.CertificateAuthority issuer =
        issuingAuthority(chain, signingTimes.stream().map(SigningTime::at).toList(), root);
    CertificateTransparency.requireSct(leaf, issuer.chain().get(0), root);
  }

  private static TrustRoot.CertificateAuthority issuingAuthority(
      List<X509Certificate> chain, Collection<Instant> times, TrustRoot root) throws VerificationFailure {
    if (root.certificateAuthorities().isEmpty()) {
      throw new VerificationFailure("the trusted root lists no certificate authority (Fulcio)");
    }
    X509Certificate leaf = chain.get(0);
    List<String> reasons = new ArrayList<>();
    for (TrustRoot.CertificateAuthority ca : root.certificateAuthorities()) {
      X509Certificate issuer = ca.chain().get(0);
      if (!leaf.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        continue;
      }
      try {
        leaf.verify(issuer.getPublicKey());
      } catch (java.security.GeneralSecurityException e) {
        continue;
      }
      Instant outside = times.stream().filter(t -> !ca.validFor().contains(t)).findFirst().orElse(null);
      if (outside != null) {
        reasons.add(
            "it was signed at " + outside + ", outside the validity of certificate authority " + ca
                + " " + ca.validFor());
        continue;
      }
      try {
        for (Instant time : times) {
          CertificatePaths.validate(leaf, ca.chain(), time);
        }
      } catch (VerificationFailure e) {
        reasons.add("certificate authority " + ca + ": " + e.getMessage());
        continue;
      }
      for (X509Certificate extra : chain.subList(1, chain.size())) {
        if (!ca.chain().contains(extra)) {
          throw new VerificationFailure(
              "signing certificate comes with certificate " + extra.getSubjectX500Principal().getName()
                  + " (issued by " + extra.getIssuerX500Principal().getName() + "), which certificate"
                  + " authority " + ca + " of the trusted root does not list");
        }
      }
      return ca;
    }
    if (reasons.isEmpty()) {
      throw new VerificationFailure(
          "certificate was not issued by a certificate authority of the trusted root (its issuer is "
              + leaf.getIssuerX500Principal().getName() + ")");
    }
    throw new VerificationFailure("certificate is not trusted: " + String.join("; ", reasons));
  }

  /**
   * The signature must have been made while the short-lived certificate was valid.
   *
   * @param how "logged" or "timestamped", for the message
   */
  static void requireValidAt(X509Certificate leaf, Instant signedAt, String how) throws VerificationFailure {
    try {
      leaf.checkValidity(Date.from(signedAt));
    } catch (CertificateExpiredException e) {
      throw new VerificationFailure(
          "certificate expired at "
              + leaf.getNotAfter().toInstant()
              + " but the signature was " + how + " at "
              + signedAt
              + " (signed after expiry)");
    } catch (CertificateNotYetValidException e) {
      throw new VerificationFailure(
          "certificate only valid from "
              + leaf.getNotBefore().toInstant()
              + " but the signature was " + how + " at "
              + signedAt
              + " (signed before validity)");
    }
  }

  private static void requireEndEntityForCodeSigning(X509Certificate leaf) throws VerificationFailure {
    if (leaf.getBasicConstraints() >= 0) {
      throw new VerificationFailure("signing certificate is a CA certificate, not an end-entity certificate");
    }
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new VerificationFailure("certificate extended key usage is malformed", e);
    }
    if (usages == null || !usages.contains(CODE_SIGNING_EKU)) {
      throw new VerificationFailure("certificate is not issued for code signing (no codeSigning EKU)");
    }
    boolean[] keyUsage = leaf.getKeyUsage();
    if (keyUsage == null || !keyUsage[DIGITAL_SIGNATURE]) {
      throw new VerificationFailure("certificate key usage does not include digitalSignature");
    }
  }
}
