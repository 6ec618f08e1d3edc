package dev.vigil.signature;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Verifies one cosign tag-scheme signature (a layer of {@code sha256-<hex>.sig}) against one
 * authority.
 *
 * <p>Checks, in order: the simple-signing payload names this exact manifest digest and has the
 * cosign type; the signature verifies over the exact payload bytes (with the authority's key,
 * or the Fulcio certificate's key); the Rekor bundle annotation, when present, carries a valid
 * SET from a trusted log (valid at the integrated time) whose body records this payload hash,
 * signature and key; for keyless, the certificate chains to a trusted Fulcio CA with a valid
 * SCT, was valid at the log's integrated time (see {@link SigningCertificates}), and names an
 * identity the authority accepts.
 *
 * <p>The payload's {@code docker-reference} is reported but not enforced, as in cosign: the
 * signature binds the manifest digest, and mirrors or re-tags legitimately change the
 * reference under which the same content is pulled.
 */
final class CosignSignatureVerifier {

  private final TrustedRoots roots;

  CosignSignatureVerifier(TrustedRoots roots) {
    this.roots = roots;
  }

  SignatureCheck verify(CosignSignature signature, ImageDigest digest, Authority authority)
      throws TrustedRootException {
    try {
      if (authority instanceof KeyAuthority key) {
        return verifyKeyed(signature, digest, key);
      }
      return verifyKeyless(signature, digest, (KeylessAuthority) authority);
    } catch (VerificationFailure failure) {
      return SignatureCheck.failed(signature.source(), authority.name(), failure.getMessage());
    }
  }

  private SignatureCheck verifyKeyed(CosignSignature signature, ImageDigest digest, KeyAuthority authority)
      throws VerificationFailure, TrustedRootException {
    SimpleSigningPayload payload = checkedPayload(signature, digest);
    byte[] signatureBytes = signatureBytes(signature);
    if (!PublicKeys.verify(authority.publicKey(), signature.payload(), signatureBytes)) {
      throw new VerificationFailure(
          "signature does not verify with the "
              + PublicKeys.describe(authority.publicKey())
              + " key of authority "
              + authority.name());
    }
    String bundle = signature.annotations().get(CosignSignature.BUNDLE_ANNOTATION);
    Instant signedAt = null;
    if (bundle != null) {
      signedAt =
          verifyLogEntry(
              bundle, signature, signatureBytes, LogEntryBody.Signer.key(authority.publicKey()), authority);
    } else if (authority.requireTransparencyLog()) {
      throw new VerificationFailure(
          "signature has no Rekor bundle (annotation " + CosignSignature.BUNDLE_ANNOTATION
              + ") but authority " + authority.name() + " requires a transparency log entry");
    }
    String identity = "key " + PublicKeys.describe(authority.publicKey());
    return new SignatureCheck(
        signature.source(),
        authority.name(),
        true,
        "signature verified with the key of authority " + authority.name()
            + logNote(signedAt) + referenceNote(payload),
        identity,
        null,
        signedAt);
  }

  private SignatureCheck verifyKeyless(
      CosignSignature signature, ImageDigest digest, KeylessAuthority authority)
      throws VerificationFailure, TrustedRootException {
    SimpleSigningPayload payload = checkedPayload(signature, digest);
    byte[] signatureBytes = signatureBytes(signature);
    String certificatePem = signature.annotations().get(CosignSignature.CERTIFICATE_ANNOTATION);
    if (certificatePem == null) {
      throw new VerificationFailure(
          "signature has no certificate (annotation " + CosignSignature.CERTIFICATE_ANNOTATION
              + "), so it cannot satisfy keyless authority " + authority.name());
    }
    List<X509Certificate> chain =
        SigningCertificates.parsePem(
            certificatePem, signature.annotations().get(CosignSignature.CHAIN_ANNOTATION));
    X509Certificate leaf = chain.get(0);
    if (!PublicKeys.verify(leaf.getPublicKey(), signature.payload(), signatureBytes)) {
      throw new VerificationFailure("signature does not verify with the certificate's key");
    }
    String bundle = signature.annotations().get(CosignSignature.BUNDLE_ANNOTATION);
    if (bundle == null) {
      throw new VerificationFailure(
          "keyless signature has no Rekor bundle (annotation " + CosignSignature.BUNDLE_ANNOTATION
              + "), so the time it was signed, and thus the certificate's validity, cannot be"
              + " established");
    }
    Instant signedAt =
        verifyLogEntry(bundle, signature, signatureBytes, LogEntryBody.Signer.certificate(leaf), authority);
    SigningCertificates.verify(
        chain,
        List.of(new SigningCertificates.SigningTime(signedAt, "logged")),
        roots.root(authority.trustedRoot()));
    CertificateIdentity identity = CertificateIdentity.of(leaf);
    KeylessIdentities.requireMatch(identity, authority);
    return new SignatureCheck(
        signature.source(),
        authority.name(),
        true,
        "signature verified for " + identity.subject() + " (issuer " + identity.issuer() + ")"
            + logNote(signedAt) + referenceNote(payload),
        identity.subject(),
        identity.issuer(),
        signedAt);
  }

  private Instant verifyLogEntry(
      String bundleAnnotation,
      CosignSignature signature,
      byte[] signatureBytes,
      LogEntryBody.Signer signer,
      Authority authority)
      throws VerificationFailure, TrustedRootException {
    TransparencyLogEntry entry = TransparencyLogEntry.fromCosignBundle(bundleAnnotation);
    LogEntryBody body = LogEntryBody.parse(entry.body());
    body.requireSignature(PublicKeys.sha256(signature.payload()), signatureBytes, signer);
    if (body.isRekorV2()) {
      throw new VerificationFailure(
          "cosign Rekor bundle annotation holds a Rekor v2 entry (" + body.kindVersion()
              + "), which has no Signed Entry Timestamp; use a Sigstore bundle for Rekor v2");
    }
    return TransparencyLogVerifier.verify(entry, body, roots.root(authority.trustedRoot()), true, false)
        .trustedTime();
  }

  private static SimpleSigningPayload checkedPayload(CosignSignature signature, ImageDigest digest)
      throws VerificationFailure {
    SimpleSigningPayload payload = SimpleSigningPayload.parse(signature.payload());
    if (!payload.manifestDigest().equals(digest.toString())) {
      throw new VerificationFailure(
          "signature payload is for image " + payload.manifestDigest() + ", not " + digest);
    }
    return payload;
  }

  private static byte[] signatureBytes(CosignSignature signature) throws VerificationFailure {
    String encoded = signature.annotations().get(CosignSignature.SIGNATURE_ANNOTATION);
    if (encoded == null || encoded.isBlank()) {
      throw new VerificationFailure(
          "signature layer has no " + CosignSignature.SIGNATURE_ANNOTATION + " annotation");
    }
    try {
      return Base64.getDecoder().decode(encoded.strip());
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("signature annotation is not base64", e);
    }
  }

  private static String logNote(Instant signedAt) {
    return signedAt == null ? "" : ", logged in Rekor at " + signedAt;
  }

  private static String referenceNote(SimpleSigningPayload payload) {
    return payload.dockerReference() == null
        ? ""
        : " (signed as " + payload.dockerReference() + ")";
  }
}
