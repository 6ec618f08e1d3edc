package dev.vigil.signature;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.bundle.BundleParseException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Verifies one Sigstore bundle against one authority and the digest of the artifact (for
 * images: the manifest digest) it must be about.
 *
 * <p>Keyless bundles go through sigstore-java's {@code KeylessVerifier} (certificate chain
 * and SCTs, signature, tlog entry consistency, inclusion proof and checkpoint, SET, RFC 3161
 * timestamps, in-toto subject or message digest); Vigil adds what 2.0.0 misses: the log's
 * integrated time must fall inside the certificate's validity, and the identity match (SAN +
 * issuer, regular expressions anchored). v0.1 bundles whose entries carry only a SET, which
 * 2.0.0 refuses, are checked by Vigil's own code with the same steps.
 *
 * <p>Key-signed bundles (sigstore-java 2.0.0 has no key verifier) are checked here: message
 * signature over the digest or DSSE signature over the PAE with the authority's key, in-toto
 * subject, and each Rekor entry's body, SET or inclusion proof.
 */
public final class SigstoreBundleVerifier {

  private final TrustedRoots roots;

  public SigstoreBundleVerifier(TrustedRoots roots) {
    this.roots = roots;
  }

  /**
   * @param source names the bundle in the result
   * @return the check; a bundle that fails any check is a non-verified result with the reason
   * @throws TrustedRootException when the authority's trust material cannot be loaded
   */
  public SignatureCheck verify(String source, byte[] json, ImageDigest digest, Authority authority)
      throws TrustedRootException {
    try {
      SigstoreBundle bundle = SigstoreBundle.parse(json);
      if (authority instanceof KeyAuthority key) {
        return verifyKeyed(source, bundle, digest, key);
      }
      return verifyKeyless(source, json, bundle, digest, (KeylessAuthority) authority);
    } catch (VerificationFailure failure) {
      return SignatureCheck.failed(source, authority.name(), failure.getMessage());
    }
  }

  private SignatureCheck verifyKeyless(
      String source, byte[] json, SigstoreBundle bundle, ImageDigest digest, KeylessAuthority authority)
      throws VerificationFailure, TrustedRootException {
    if (bundle.certificates.isEmpty()) {
      throw new VerificationFailure(
          "bundle is signed with a key, not a Fulcio certificate, so it cannot satisfy keyless"
              + " authority " + authority.name());
    }
    if (bundle.logEntries.isEmpty()) {
      throw new VerificationFailure(
          "bundle has no transparency log entry; keyless authority " + authority.name()
              + " requires one (timestamp-only bundles are not accepted)");
    }
    X509Certificate leaf = bundle.certificates.get(0);
    Instant signedAt;
    boolean setOnly =
        bundle.isVersion01()
            && bundle.logEntries.stream().allMatch(entry -> entry.inclusionProof() == null);
    if (setOnly) {
      signedAt = verifyKeylessWithoutLibrary(bundle, digest, authority);
    } else {
      verifyWithSigstoreJava(json, digest, authority);
      signedAt = null;
      for (TransparencyLogEntry entry : bundle.logEntries) {
        if (entry.integratedTime() > 0) {
          Instant integrated = Instant.ofEpochSecond(entry.integratedTime());
          SigningCertificates.requireValidAt(leaf, integrated);
          signedAt = signedAt == null ? integrated : signedAt;
        }
      }
    }
    CertificateIdentity identity = CertificateIdentity.of(leaf);
    KeylessIdentities.requireMatch(identity, authority);
    return new SignatureCheck(
        source,
        authority.name(),
        true,
        "bundle verified for " + identity.subject() + " (issuer " + identity.issuer() + ")"
            + (signedAt == null ? "" : ", logged in Rekor at " + signedAt),
        identity.subject(),
        identity.issuer(),
        signedAt);
  }

  private void verifyWithSigstoreJava(byte[] json, ImageDigest digest, KeylessAuthority authority)
      throws VerificationFailure, TrustedRootException {
    if (!digest.isSha256()) {
      throw new VerificationFailure(
          "keyless bundles are verified for sha256 digests only, not " + digest.algorithm());
    }
    Bundle parsed;
    try {
      parsed = Bundle.from(new StringReader(new String(json, StandardCharsets.UTF_8)));
    } catch (BundleParseException | RuntimeException e) {
      throw new VerificationFailure(
          "bundle could not be read by sigstore-java: " + TrustedRoots.messageOf(e), e);
    }
    try {
      roots
          .keylessVerifier(authority.trustedRoot())
          .verify(digest.bytes(), parsed, VerificationOptions.empty());
    } catch (KeylessVerificationException e) {
      throw new VerificationFailure(
          "bundle did not verify: " + TrustedRoots.messageOf(e).replace('\n', ' '), e);
    } catch (RuntimeException e) {
      throw new VerificationFailure(
          "bundle could not be verified: " + TrustedRoots.messageOf(e), e);
    }
  }

  /** The keyless steps of sigstore-java, for v0.1 bundles whose entries only carry a SET. */
  private Instant verifyKeylessWithoutLibrary(
      SigstoreBundle bundle, ImageDigest digest, KeylessAuthority authority)
      throws VerificationFailure, TrustedRootException {
    X509Certificate leaf = bundle.certificates.get(0);
    byte[] signature = verifyContent(bundle, digest, leaf.getPublicKey());
    LogEntryBody.Signer signer = LogEntryBody.Signer.certificate(leaf);
    Instant signedAt = verifyLogEntries(bundle, digest, signature, signer, authority);
    SigningCertificates.verify(
        SigningCertificates.certPath(bundle.certificates),
        signedAt,
        roots.fulcioVerifier(authority.trustedRoot()));
    return signedAt;
  }

  private SignatureCheck verifyKeyed(
      String source, SigstoreBundle bundle, ImageDigest digest, KeyAuthority authority)
      throws VerificationFailure, TrustedRootException {
    if (!bundle.publicKeyMaterial) {
      throw new VerificationFailure(
          "bundle is signed with a Fulcio certificate, not a key, so it cannot satisfy key"
              + " authority " + authority.name());
    }
    byte[] signature = verifyContent(bundle, digest, authority.publicKey());
    Instant signedAt = null;
    if (!bundle.logEntries.isEmpty()) {
      signedAt =
          verifyLogEntries(bundle, digest, signature, LogEntryBody.Signer.key(authority.publicKey()), authority);
    } else if (authority.requireTransparencyLog()) {
      throw new VerificationFailure(
          "bundle has no transparency log entry but authority " + authority.name()
              + " requires one");
    }
    return new SignatureCheck(
        source,
        authority.name(),
        true,
        "bundle verified with the key of authority " + authority.name()
            + (signedAt == null ? "" : ", logged in Rekor at " + signedAt),
        "key " + PublicKeys.describe(authority.publicKey()),
        null,
        signedAt);
  }

  /**
   * Checks the signed content is about {@code digest} and its signature verifies with {@code
   * key}; returns the signature bytes that verified.
   */
  private static byte[] verifyContent(
      SigstoreBundle bundle, ImageDigest digest, java.security.PublicKey key)
      throws VerificationFailure {
    if (bundle.messageSignature != null) {
      SigstoreBundle.MessageSignature message = bundle.messageSignature;
      if (!digest.isSha256()) {
        throw new VerificationFailure(
            "message-signature bundles are checked against sha256 digests only, not "
                + digest.algorithm());
      }
      if (message.digest() == null) {
        throw new VerificationFailure("bundle message signature carries no message digest");
      }
      if (!message.digestAlgorithm().equals("SHA2_256")
          || !Arrays.equals(message.digest(), digest.bytes())) {
        throw new VerificationFailure(
            "bundle signs " + message.digestAlgorithm() + " "
                + HexFormat.of().formatHex(message.digest()) + ", not " + digest);
      }
      if (!PublicKeys.verifyDigest(key, message.digest(), message.signature())) {
        throw new VerificationFailure("bundle message signature does not verify with the "
            + PublicKeys.describe(key) + " key");
      }
      return message.signature();
    }
    SigstoreBundle.Envelope envelope = bundle.envelope;
    if (!bundle.statementNames(digest)) {
      throw new VerificationFailure(
          "DSSE statement names no subject with digest " + digest
              + " (the bundle is for another artifact)");
    }
    byte[] pae = envelope.pae();
    for (byte[] signature : envelope.signatures()) {
      if (PublicKeys.verify(key, pae, signature)) {
        return signature;
      }
    }
    throw new VerificationFailure(
        "DSSE signature does not verify with the " + PublicKeys.describe(key) + " key");
  }

  /**
   * Every entry must record this signature and verify against the trusted root's logs; returns
   * the first integrated time.
   */
  private Instant verifyLogEntries(
      SigstoreBundle bundle,
      ImageDigest digest,
      byte[] signature,
      LogEntryBody.Signer signer,
      Authority authority)
      throws VerificationFailure, TrustedRootException {
    var logs = roots.root(authority.trustedRoot()).getTLogs();
    Instant signedAt = null;
    for (TransparencyLogEntry entry : bundle.logEntries) {
      LogEntryBody body = LogEntryBody.parse(entry.body());
      if (bundle.messageSignature != null) {
        body.requireSignature(digest.bytes(), signature, signer);
      } else {
        body.requireEnvelope(bundle.envelope.payload(), signature, signer);
      }
      Instant integrated = TransparencyLogVerifier.verify(entry, logs);
      signedAt = signedAt == null ? integrated : signedAt;
    }
    return signedAt;
  }
}
