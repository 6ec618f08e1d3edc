package dev.vigil.signature;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Verifies one Sigstore bundle against one authority and the digest of the artifact (for
 * images: the manifest digest) it must be about. One path for every bundle, keyless or
 * key-signed, Rekor v1 or v2:
 *
 * <ol>
 *   <li>The bundle is read strictly ({@link SigstoreBundle}).
 *   <li>The signed content is about the digest (message digest, or an in-toto subject) and its
 *       signature verifies with the authority's key or the certificate's key.
 *   <li>Every RFC 3161 timestamp verifies against a TSA of the trusted root ({@link
 *       Rfc3161Timestamps}).
 *   <li>Every log entry records this signature and signer ({@link LogEntryBody}) and is proven
 *       by a log of the trusted root ({@link TransparencyLogVerifier}); a Rekor v2 entry's log
 *       must have been valid at the timestamps, which it needs because it has no time of its
 *       own.
 *   <li>Keyless: the certificate is checked at every verified time ({@link
 *       SigningCertificates}) and its identity must match the authority's.
 * </ol>
 *
 * <p>The trusted root is only loaded when something needs it (a certificate, a log entry or a
 * timestamp), so a key-signed bundle without either verifies offline.
 */
public final class SigstoreBundleVerifier {

  private final TrustedRoots roots;

  public SigstoreBundleVerifier(TrustedRoots roots) {
    this.roots = roots;
  }

  /**
   * @param source names the bundle in the result
   * @return the check; a bundle that fails any check is a non-verified result with the reason
   * @throws TrustedRootException when the authority's trust material cannot be loaded or is
   *     malformed
   */
  public SignatureCheck verify(String source, byte[] json, ImageDigest digest, Authority authority)
      throws TrustedRootException {
    try {
      SigstoreBundle bundle = SigstoreBundle.parse(json);
      if (authority instanceof KeyAuthority key) {
        return verifyKeyed(source, bundle, digest, key);
      }
      return verifyKeyless(source, bundle, digest, (KeylessAuthority) authority);
    } catch (VerificationFailure failure) {
      return SignatureCheck.failed(source, authority.name(), failure.getMessage());
    }
  }

  private SignatureCheck verifyKeyless(
      String source, SigstoreBundle bundle, ImageDigest digest, KeylessAuthority authority)
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
    verifyContent(bundle, digest, leaf.getPublicKey());
    TrustRoot root = roots.root(authority.trustedRoot());
    Times times = verifyTimesAndLog(bundle, root, LogEntryBody.Signer.certificate(leaf), digest);
    if (times.verified.isEmpty()) {
      throw new VerificationFailure(
          "bundle has no verified time: no log entry carries a Signed Entry Timestamp and there is"
              + " no RFC 3161 timestamp, so the certificate's validity at signing cannot be checked");
    }
    for (Instant unsigned : times.unsignedIntegratedTimes) {
      SigningCertificates.requireValidAt(leaf, unsigned, "logged");
    }
    SigningCertificates.verify(bundle.certificates, times.verified, root);
    CertificateIdentity identity = CertificateIdentity.of(leaf);
    KeylessIdentities.requireMatch(identity, authority);
    return new SignatureCheck(
        source,
        authority.name(),
        true,
        "bundle verified for " + identity.subject() + " (issuer " + identity.issuer() + ")"
            + times.note(),
        identity.subject(),
        identity.issuer(),
        times.signedAt());
  }

  private SignatureCheck verifyKeyed(
      String source, SigstoreBundle bundle, ImageDigest digest, KeyAuthority authority)
      throws VerificationFailure, TrustedRootException {
    if (!bundle.publicKeyMaterial) {
      throw new VerificationFailure(
          "bundle is signed with a Fulcio certificate, not a key, so it cannot satisfy key"
              + " authority " + authority.name());
    }
    verifyContent(bundle, digest, authority.publicKey());
    if (bundle.logEntries.isEmpty() && authority.requireTransparencyLog()) {
      throw new VerificationFailure(
          "bundle has no transparency log entry but authority " + authority.name()
              + " requires one");
    }
    Times times = Times.NONE;
    if (!bundle.logEntries.isEmpty() || !bundle.timestamps.isEmpty()) {
      TrustRoot root = roots.root(authority.trustedRoot());
      times = verifyTimesAndLog(bundle, root, LogEntryBody.Signer.key(authority.publicKey()), digest);
    }
    return new SignatureCheck(
        source,
        authority.name(),
        true,
        "bundle verified with the key of authority " + authority.name() + times.note(),
        "key " + PublicKeys.describe(authority.publicKey()),
        null,
        times.signedAt());
  }

  /**
   * Checks that the signed content is about {@code digest} and that its signature verifies with
   * {@code key}.
   */
  private static void verifyContent(SigstoreBundle bundle, ImageDigest digest, PublicKey key)
      throws VerificationFailure {
    if (bundle.messageSignature != null) {
      SigstoreBundle.MessageSignature message = bundle.messageSignature;
      if (!digest.isSha256()) {
        throw new VerificationFailure(
            "message-signature bundles are checked against sha256 digests only, not "
                + digest.algorithm());
      }
      if (!message.digestAlgorithm().equals("SHA2_256")
          || !Arrays.equals(message.digest(), digest.bytes())) {
        throw new VerificationFailure(
            "bundle signs " + message.digestAlgorithm() + " "
                + HexFormat.of().formatHex(message.digest()) + ", not " + digest);
      }
      if (PublicKeys.isEd25519(key)) {
        throw new VerificationFailure(
            "bundle message signature is made with an Ed25519 key, which signs the artifact itself;"
                + " Vigil only knows the artifact's digest");
      }
      if (!PublicKeys.verifyDigest(key, message.digest(), message.signature())) {
        throw new VerificationFailure("bundle message signature does not verify with the "
            + PublicKeys.describe(key) + " key");
      }
      return;
    }
    if (!bundle.statementNames(digest)) {
      throw new VerificationFailure(
          "DSSE statement names no subject with digest " + digest
              + " (the bundle is for another artifact)");
    }
    if (!PublicKeys.verify(key, bundle.envelope.pae(), bundle.envelope.signature())) {
      throw new VerificationFailure(
          "DSSE signature does not verify with the " + PublicKeys.describe(key) + " key");
    }
  }

  /** Verified signing times, and the integrated times of entries without a SET. */
  private record Times(
      List<SigningCertificates.SigningTime> verified, List<Instant> unsignedIntegratedTimes) {

    static final Times NONE = new Times(List.of(), List.of());

    /** The earliest log time, else the earliest timestamp. */
    Instant signedAt() {
      return first("logged") != null ? first("logged") : first("timestamped");
    }

    private Instant first(String how) {
      return verified.stream()
          .filter(t -> t.how().equals(how))
          .map(SigningCertificates.SigningTime::at)
          .min(Instant::compareTo)
          .orElse(null);
    }

    String note() {
      if (first("logged") != null) {
        return ", logged in Rekor at " + first("logged");
      }
      if (first("timestamped") != null) {
        return ", timestamped at " + first("timestamped");
      }
      return "";
    }
  }

  private static Times verifyTimesAndLog(
      SigstoreBundle bundle, TrustRoot root, LogEntryBody.Signer signer, ImageDigest digest)
      throws VerificationFailure {
    List<Instant> timestamps = Rfc3161Timestamps.verifyAll(bundle.timestamps, bundle.signature(), root);
    List<SigningCertificates.SigningTime> verified = new ArrayList<>();
    for (Instant timestamp : timestamps) {
      verified.add(new SigningCertificates.SigningTime(timestamp, "timestamped"));
    }
    List<Instant> unsigned = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < bundle.logEntries.size(); i++) {
      TransparencyLogEntry entry = bundle.logEntries.get(i);
      if (!seen.add(entry.logIdHex() + "/" + entry.logIndex())) {
        throw new VerificationFailure(
            "bundle carries the same transparency log entry twice (index " + entry.logIndex() + ")");
      }
      LogEntryBody body = LogEntryBody.parse(entry.bodyBytes());
      body.requireDeclared(entry.kind(), entry.version());
      if (bundle.messageSignature != null) {
        body.requireSignature(digest.bytes(), bundle.messageSignature.signature(), signer);
      } else {
        body.requireEnvelope(bundle.envelope, signer);
      }
      TransparencyLogVerifier.Verified logged =
          TransparencyLogVerifier.verify(
              entry,
              body,
              root,
              bundle.version == SigstoreBundle.Version.V01,
              bundle.version != SigstoreBundle.Version.V01);
      if (logged.rekorV2()) {
        if (timestamps.isEmpty()) {
          throw new VerificationFailure(
              "Rekor v2 entries carry no integrated time, and the bundle has no RFC 3161 timestamp"
                  + " to tell when it was signed");
        }
        for (Instant timestamp : timestamps) {
          if (!logged.log().validFor().contains(timestamp)) {
            throw new VerificationFailure(
                "transparency log " + logged.log().baseUrl() + " was not valid at the timestamp "
                    + timestamp + " (valid " + logged.log().validFor() + ")");
          }
        }
      } else if (logged.trustedTime() != null) {
        verified.add(new SigningCertificates.SigningTime(logged.trustedTime(), "logged"));
      } else {
        unsigned.add(Instant.ofEpochSecond(entry.integratedTime()));
      }
    }
    return new Times(List.copyOf(verified), List.copyOf(unsigned));
  }
}
