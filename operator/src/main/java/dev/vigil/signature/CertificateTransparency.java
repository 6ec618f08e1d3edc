package dev.vigil.signature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Signed Certificate Timestamps embedded in a Fulcio certificate (RFC 6962): proof that the
 * certificate was logged in a CT log before it was issued, so a mis-issued certificate cannot
 * stay hidden.
 *
 * <p>At least one SCT must come from a CT log of the trusted root that was valid at the SCT's
 * time, and verify with its key over the precertificate: the certificate's TBS without the SCT
 * extension, bound to the issuer's key hash. An SCT of a CT log the trusted root lists that
 * does not verify rejects the certificate; SCTs of unknown logs are ignored.
 */
final class CertificateTransparency {

  static final String SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";

  private CertificateTransparency() {}

  private record Sct(byte[] logId, long timestamp, byte[] extensions, int hash, int algorithm, byte[] signature) {}

  static void requireSct(X509Certificate leaf, X509Certificate issuer, TrustRoot root)
      throws VerificationFailure {
    byte[] extension = leaf.getExtensionValue(SCT_LIST_OID);
    if (extension == null) {
      throw new VerificationFailure("certificate carries no embedded SCT (it was not logged in a CT log)");
    }
    List<Sct> scts;
    try {
      byte[] inner = ASN1OctetString.getInstance(extension).getOctets();
      scts = parseList(ASN1OctetString.getInstance(inner).getOctets());
    } catch (RuntimeException e) {
      throw new VerificationFailure("certificate SCT list is malformed", e);
    }
    byte[] tbs = precertificateTbs(leaf);
    byte[] issuerKeyHash = PublicKeys.sha256(issuer.getPublicKey().getEncoded());
    int verified = 0;
    List<String> unknown = new ArrayList<>();
    for (Sct sct : scts) {
      var log = root.ctlog(sct.logId());
      if (log.isEmpty()) {
        unknown.add(HexFormat.of().formatHex(sct.logId()).substring(0, 16) + "…");
        continue;
      }
      Instant time = Instant.ofEpochMilli(sct.timestamp());
      if (!log.get().validFor().contains(time)) {
        throw new VerificationFailure(
            "certificate SCT from CT log " + log.get().baseUrl() + " is dated " + time
                + ", outside the log's validity " + log.get().validFor());
      }
      if (!verifies(sct, signedData(sct, issuerKeyHash, tbs), log.get())) {
        throw new VerificationFailure(
            "certificate SCT does not verify with the key of CT log " + log.get().baseUrl());
      }
      verified++;
    }
    if (verified == 0) {
      throw new VerificationFailure(
          "certificate has no SCT from a CT log of the trusted root"
              + (unknown.isEmpty() ? "" : " (SCTs from unknown logs " + String.join(", ", unknown) + ")"));
    }
  }

  private static boolean verifies(Sct sct, byte[] data, TrustRoot.LogInstance log) {
    String hash =
        switch (sct.hash()) {
          case 4 -> "SHA256";
          case 5 -> "SHA384";
          case 6 -> "SHA512";
          default -> null;
        };
    String algorithm =
        switch (sct.algorithm()) {
          case 1 -> "RSA";
          case 3 -> "ECDSA";
          default -> null;
        };
    if (hash == null || algorithm == null) {
      return false;
    }
    String keyType = log.key().key().getAlgorithm();
    if (!(algorithm.equals("RSA") ? keyType.equals("RSA") : keyType.equals("EC"))) {
      return false;
    }
    return PublicKeys.verify(log.key().key(), hash + "with" + algorithm, data, sct.signature());
  }

  /** RFC 6962 section 3.2 digitally-signed struct for a precertificate entry. */
  private static byte[] signedData(Sct sct, byte[] issuerKeyHash, byte[] tbs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0); // v1
    out.write(0); // certificate_timestamp
    out.writeBytes(ByteBuffer.allocate(8).putLong(sct.timestamp()).array());
    out.write(0);
    out.write(1); // precert_entry
    out.writeBytes(issuerKeyHash);
    out.write((tbs.length >> 16) & 0xff);
    out.write((tbs.length >> 8) & 0xff);
    out.write(tbs.length & 0xff);
    out.writeBytes(tbs);
    out.write((sct.extensions().length >> 8) & 0xff);
    out.write(sct.extensions().length & 0xff);
    out.writeBytes(sct.extensions());
    return out.toByteArray();
  }

  private static List<Sct> parseList(byte[] tls) throws VerificationFailure {
    ByteBuffer buffer = ByteBuffer.wrap(tls);
    List<Sct> scts = new ArrayList<>();
    try {
      int total = buffer.getShort() & 0xffff;
      if (total != buffer.remaining()) {
        throw new VerificationFailure("certificate SCT list length does not match its content");
      }
      while (buffer.hasRemaining()) {
        byte[] one = new byte[buffer.getShort() & 0xffff];
        buffer.get(one);
        scts.add(parseSct(ByteBuffer.wrap(one)));
      }
    } catch (BufferUnderflowException e) {
      throw new VerificationFailure("certificate SCT list is truncated", e);
    }
    return scts;
  }

  private static Sct parseSct(ByteBuffer buffer) throws VerificationFailure {
    int version = buffer.get() & 0xff;
    if (version != 0) {
      throw new VerificationFailure("certificate SCT has unsupported version " + version);
    }
    byte[] logId = new byte[32];
    buffer.get(logId);
    long timestamp = buffer.getLong();
    byte[] extensions = new byte[buffer.getShort() & 0xffff];
    buffer.get(extensions);
    int hash = buffer.get() & 0xff;
    int algorithm = buffer.get() & 0xff;
    byte[] signature = new byte[buffer.getShort() & 0xffff];
    buffer.get(signature);
    if (buffer.hasRemaining()) {
      throw new VerificationFailure("certificate SCT has trailing bytes");
    }
    return new Sct(logId, timestamp, extensions, hash, algorithm, signature);
  }

  /** The certificate's TBSCertificate, DER, with the SCT list extension removed. */
  private static byte[] precertificateTbs(X509Certificate leaf) throws VerificationFailure {
    try {
      ASN1Sequence tbs = ASN1Sequence.getInstance(leaf.getTBSCertificate());
      ASN1EncodableVector rebuilt = new ASN1EncodableVector();
      boolean found = false;
      for (ASN1Encodable element : tbs) {
        if (element instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 3) {
          ASN1EncodableVector kept = new ASN1EncodableVector();
          for (ASN1Encodable extension : ASN1Sequence.getInstance(tagged.getExplicitBaseObject())) {
            Extension parsed = Extension.getInstance(extension);
            if (parsed.getExtnId().equals(new ASN1ObjectIdentifier(SCT_LIST_OID))) {
              found = true;
            } else {
              kept.add(extension);
            }
          }
          rebuilt.add(new DERTaggedObject(true, 3, new DERSequence(kept)));
        } else {
          rebuilt.add(element);
        }
      }
      if (!found) {
        throw new VerificationFailure("certificate has no SCT list extension");
      }
      return new DERSequence(rebuilt).getEncoded(ASN1Encoding.DER);
    } catch (CertificateEncodingException | IOException | RuntimeException e) {
      throw new VerificationFailure("certificate TBS could not be re-encoded for SCT verification", e);
    }
  }
}
