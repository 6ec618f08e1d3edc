package dev.vigil.signature;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * RFC 3161 signed timestamps from a timestamp authority (TSA) of the trusted root: the time
 * source of bundles whose log entries carry no signed integrated time (Rekor v2).
 *
 * <p>Every timestamp a bundle carries must verify; an unverifiable one rejects the bundle
 * rather than being skipped. A timestamp verifies when its message imprint is the hash of the
 * bundle's signature; it was signed by the signing certificate of a TSA of the trusted root
 * (matched by issuer and serial, whatever certificates the token embeds) whose validity period
 * contains the generation time (both ends included); the CMS signature and its
 * signing-certificate attribute verify with that certificate, which was valid and marked for
 * time stamping at that time; and the TSA's chain validates at that time.
 */
final class Rfc3161Timestamps {

  private static final Map<ASN1ObjectIdentifier, String> DIGESTS =
      Map.of(
          NISTObjectIdentifiers.id_sha256, "SHA-256",
          NISTObjectIdentifiers.id_sha384, "SHA-384",
          NISTObjectIdentifiers.id_sha512, "SHA-512");

  private Rfc3161Timestamps() {}

  /**
   * @return the generation time of each timestamp, in order
   * @throws VerificationFailure for the first timestamp that does not verify, with the reason
   */
  static List<Instant> verifyAll(List<byte[]> timestamps, byte[] signature, TrustRoot root)
      throws VerificationFailure {
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < timestamps.size(); i++) {
      String which = timestamps.size() == 1 ? "RFC 3161 timestamp" : "RFC 3161 timestamp " + (i + 1);
      times.add(verify(timestamps.get(i), signature, root, which));
    }
    return List.copyOf(times);
  }

  private static Instant verify(byte[] encoded, byte[] signature, TrustRoot root, String which)
      throws VerificationFailure {
    TimeStampToken token;
    try {
      TimeStampResponse response = new TimeStampResponse(encoded);
      if (response.getStatus() != 0 && response.getStatus() != 1) {
        throw new VerificationFailure(which + " was not granted (status " + response.getStatus() + ")");
      }
      token = response.getTimeStampToken();
    } catch (TSPException | IOException | RuntimeException e) {
      throw new VerificationFailure(
          which + " is not a DER TimeStampResponse: " + TrustedRoots.messageOf(e), e);
    }
    if (token == null) {
      throw new VerificationFailure(which + " holds no timestamp token");
    }
    var info = token.getTimeStampInfo();
    Instant generated = info.getGenTime().toInstant();
    String digestName = DIGESTS.get(info.getMessageImprintAlgOID());
    if (digestName == null) {
      throw new VerificationFailure(
          which + " uses message imprint algorithm " + info.getMessageImprintAlgOID()
              + " (supported: SHA-256, SHA-384, SHA-512)");
    }
    byte[] expected = digest(digestName, signature);
    if (!Arrays.equals(expected, info.getMessageImprintDigest())) {
      throw new VerificationFailure(
          which + " is for other data: its message imprint "
              + HexFormat.of().formatHex(info.getMessageImprintDigest()) + " is not the "
              + digestName + " of the bundle's signature (" + HexFormat.of().formatHex(expected) + ")");
    }
    if (root.timestampAuthorities().isEmpty()) {
      throw new VerificationFailure(
          which + " cannot be verified: the trusted root lists no timestamp authority");
    }
    List<String> reasons = new ArrayList<>();
    for (TrustRoot.CertificateAuthority tsa : root.timestampAuthorities()) {
      X509CertificateHolder signer;
      try {
        signer = new X509CertificateHolder(tsa.chain().get(0).getEncoded());
      } catch (IOException | java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate could not be re-encoded", e);
      }
      if (!token.getSID().match(signer)) {
        continue;
      }
      if (!tsa.validFor().contains(generated)) {
        reasons.add(
            "it was generated at " + generated + ", outside the validity of TSA " + tsa + " "
                + tsa.validFor());
        continue;
      }
      try {
        token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa.chain().get(0)));
      } catch (TSPException | org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
        reasons.add("it does not verify with the certificate of TSA " + tsa + ": " + TrustedRoots.messageOf(e));
        continue;
      }
      try {
        CertificatePaths.validate(
            tsa.chain().get(0), tsa.chain().subList(Math.min(1, tsa.chain().size() - 1), tsa.chain().size()),
            generated);
      } catch (VerificationFailure e) {
        reasons.add("the chain of TSA " + tsa + " " + e.getMessage());
        continue;
      }
      return generated;
    }
    if (reasons.isEmpty()) {
      String signer =
          token.getSID().getIssuer() == null
              ? "a certificate it names by key identifier only"
              : token.getSID().getIssuer() + " serial " + token.getSID().getSerialNumber();
      throw new VerificationFailure(
          which + " was signed by " + signer + ", which is not a timestamp authority of the trusted root");
    }
    throw new VerificationFailure(which + " does not verify: " + String.join("; ", reasons));
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }
}
