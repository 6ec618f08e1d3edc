package dev.vigil.signature;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Who a Fulcio certificate was issued to: the subject (its one Subject Alternative Name: an
 * email, a URI such as a CI workflow reference, or an other-name username) and the OIDC issuer
 * recorded in Fulcio's extension.
 */
public record CertificateIdentity(String subject, String issuer) {

  /** Fulcio's issuer extension since v2: a DER UTF8String. */
  static final String ISSUER_V2_OID = "1.3.6.1.4.1.57264.1.8";

  /** Fulcio's original issuer extension: the raw string bytes, not DER. */
  static final String ISSUER_V1_OID = "1.3.6.1.4.1.57264.1.1";

  private static final int SAN_OTHER_NAME = 0;
  private static final int SAN_EMAIL = 1;
  private static final int SAN_URI = 6;

  /**
   * Reads the identity from a leaf certificate.
   *
   * @throws VerificationFailure when the certificate carries no usable SAN or issuer
   */
  static CertificateIdentity of(X509Certificate leaf) throws VerificationFailure {
    return new CertificateIdentity(subjectOf(leaf), issuerOf(leaf));
  }

  private static String subjectOf(X509Certificate leaf) throws VerificationFailure {
    Collection<List<?>> names;
    try {
      names = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new VerificationFailure("certificate Subject Alternative Name is malformed", e);
    }
    if (names != null) {
      for (List<?> name : names) {
        int type = (Integer) name.get(0);
        if ((type == SAN_EMAIL || type == SAN_URI) && name.get(1) instanceof String value) {
          return value;
        }
        if (type == SAN_OTHER_NAME && name.get(1) instanceof byte[] der) {
          String value = otherNameValue(der);
          if (value != null) {
            return value;
          }
        }
      }
    }
    throw new VerificationFailure(
        "certificate has no email, URI or other-name Subject Alternative Name");
  }

  private static String otherNameValue(byte[] der) {
    try {
      ASN1Primitive otherName = ASN1Primitive.fromByteArray(der);
      if (otherName instanceof ASN1TaggedObject tagged) {
        otherName = tagged.getBaseObject().toASN1Primitive();
      }
      if (otherName instanceof ASN1Sequence seq && seq.size() == 2) {
        ASN1Encodable value = seq.getObjectAt(1);
        while (value instanceof ASN1TaggedObject t) {
          value = t.getBaseObject();
        }
        if (value instanceof ASN1String s) {
          return s.getString();
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private static String issuerOf(X509Certificate leaf) throws VerificationFailure {
    byte[] v2 = leaf.getExtensionValue(ISSUER_V2_OID);
    if (v2 != null) {
      try {
        ASN1Primitive inner =
            ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(v2).getOctets());
        if (inner instanceof ASN1String s) {
          return s.getString();
        }
      } catch (java.io.IOException | RuntimeException e) {
        throw new VerificationFailure(
            "certificate issuer extension " + ISSUER_V2_OID + " is malformed", e);
      }
      throw new VerificationFailure(
          "certificate issuer extension " + ISSUER_V2_OID + " is not a string");
    }
    byte[] v1 = leaf.getExtensionValue(ISSUER_V1_OID);
    if (v1 != null) {
      try {
        return new String(ASN1OctetString.getInstance(v1).getOctets(), StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        throw new VerificationFailure(
            "certificate issuer extension " + ISSUER_V1_OID + " is malformed", e);
      }
    }
    throw new VerificationFailure(
        "certificate has no Fulcio OIDC issuer extension ("
            + ISSUER_V2_OID
            + " or "
            + ISSUER_V1_OID
            + ")");
  }
}
