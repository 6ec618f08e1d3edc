package dev.vigil.signature;

import dev.sigstore.fulcio.client.FulcioVerificationException;
import dev.sigstore.fulcio.client.FulcioVerifier;
import java.io.ByteArrayInputStream;
import java.security.cert.CertPath;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Checks a Fulcio signing certificate: it chains to a CA of the trusted root, carries valid
 * embedded SCTs from a trusted CT log (both through sigstore-java's FulcioVerifier), is meant
 * for code signing, and was valid at the moment the transparency log recorded the signature.
 * sigstore-java 2.0.0 does not check that last point itself.
 */
final class SigningCertificates {

  private static final String CODE_SIGNING_EKU = "1.3.6.1.5.5.7.3.3";

  private SigningCertificates() {}

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
            factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
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

  static CertPath certPath(List<X509Certificate> leafFirst) throws VerificationFailure {
    try {
      return CertificateFactory.getInstance("X.509").generateCertPath(leafFirst);
    } catch (CertificateException e) {
      throw new VerificationFailure("certificate chain is malformed: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies chain, SCTs, key usage and validity at {@code signedAt}.
   *
   * @throws VerificationFailure with the failing check
   */
  static void verify(CertPath path, Instant signedAt, FulcioVerifier fulcio)
      throws VerificationFailure {
    X509Certificate leaf = (X509Certificate) path.getCertificates().get(0);
    try {
      fulcio.verifySigningCertificate(path);
    } catch (FulcioVerificationException e) {
      throw new VerificationFailure(
          "certificate is not trusted: " + TrustedRoots.messageOf(e).replace('\n', ' '), e);
    } catch (java.io.IOException | RuntimeException e) {
      throw new VerificationFailure(
          "certificate could not be checked: " + TrustedRoots.messageOf(e), e);
    }
    requireCodeSigning(leaf);
    requireValidAt(leaf, signedAt);
  }

  /** The signature must have been logged while the short-lived certificate was valid. */
  static void requireValidAt(X509Certificate leaf, Instant signedAt) throws VerificationFailure {
    try {
      leaf.checkValidity(Date.from(signedAt));
    } catch (CertificateExpiredException e) {
      throw new VerificationFailure(
          "certificate expired at "
              + leaf.getNotAfter().toInstant()
              + " but the signature was logged at "
              + signedAt
              + " (signed after expiry)");
    } catch (CertificateNotYetValidException e) {
      throw new VerificationFailure(
          "certificate only valid from "
              + leaf.getNotBefore().toInstant()
              + " but the signature was logged at "
              + signedAt
              + " (signed before validity)");
    }
  }

  private static void requireCodeSigning(X509Certificate leaf) throws VerificationFailure {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new VerificationFailure("certificate extended key usage is malformed", e);
    }
    if (usages == null || !usages.contains(CODE_SIGNING_EKU)) {
      throw new VerificationFailure("certificate is not issued for code signing (no codeSigning EKU)");
    }
  }
}
