package dev.vigil.signature;

import dev.sigstore.encryption.signers.Verifiers;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads PEM public keys and checks signatures the way cosign and Sigstore make them. */
final class PublicKeys {

  private static final List<ASN1ObjectIdentifier> NIST_CURVES =
      List.of(
          X9ObjectIdentifiers.prime256v1, SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);
  private static final int MIN_RSA_BITS = 2048;

  private PublicKeys() {}

  /**
   * Parses a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or "RSA PUBLIC KEY" block.
   *
   * @throws IllegalArgumentException with the reason when it is not a usable key
   */
  static PublicKey parsePem(String pem) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("public key PEM is empty");
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("public key PEM could not be read: " + e.getMessage(), e);
    }
    SubjectPublicKeyInfo info;
    if (parsed instanceof SubjectPublicKeyInfo spki) {
      info = spki;
    } else if (parsed == null) {
      throw new IllegalArgumentException("no PEM PUBLIC KEY block found");
    } else {
      throw new IllegalArgumentException(
          "PEM block is not a public key (found " + parsed.getClass().getSimpleName() + ")");
    }
    return checked(info);
  }

  /**
   * Parses a DER SubjectPublicKeyInfo with the same restrictions as {@link #parsePem}.
   *
   * @throws IllegalArgumentException with the reason when it is not a usable key
   */
  static PublicKey parseDer(byte[] subjectPublicKeyInfo) {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(subjectPublicKeyInfo);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("public key is not a DER SubjectPublicKeyInfo", e);
    }
    if (info == null) {
      throw new IllegalArgumentException("public key is empty");
    }
    return checked(info);
  }

  /**
   * Parses a DER PKCS#1 RSAPublicKey (the encoding of the deprecated PKCS1_RSA_* key details of
   * Sigstore trusted roots).
   */
  static PublicKey parsePkcs1Rsa(byte[] der) {
    RSAPublicKey key;
    try {
      org.bouncycastle.asn1.pkcs.RSAPublicKey rsa =
          org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
      key =
          (RSAPublicKey)
              java.security.KeyFactory.getInstance("RSA")
                  .generatePublic(
                      new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("public key is not a DER PKCS#1 RSA public key", e);
    }
    if (key.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          "RSA key of " + key.getModulus().bitLength() + " bits is too short (minimum 2048)");
    }
    return key;
  }

  private static PublicKey checked(SubjectPublicKeyInfo info) {
    PublicKey key;
    try {
      key = new JcaPEMKeyConverter().getPublicKey(info);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("public key is malformed: " + e.getMessage(), e);
    }
    if (key instanceof ECPublicKey ec) {
      if (!(info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)
          || !NIST_CURVES.contains(curve)) {
        throw new IllegalArgumentException(
            "unsupported elliptic curve: only P-256, P-384 and P-521 are accepted");
      }
      requireOnCurve(ec);
    } else if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new IllegalArgumentException(
            "RSA key of " + rsa.getModulus().bitLength() + " bits is too short (minimum 2048)");
      }
    } else if (!isEd25519(key)) {
      throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    }
    return key;
  }

  /**
   * The JDK accepts any coordinates when it imports an EC key; a point that is not on the
   * named curve is a corrupted key and must not be used.
   */
  private static void requireOnCurve(ECPublicKey key) {
    java.security.spec.ECPoint w = key.getW();
    java.security.spec.EllipticCurve curve = key.getParams().getCurve();
    java.math.BigInteger p = ((java.security.spec.ECFieldFp) curve.getField()).getP();
    java.math.BigInteger x = w.getAffineX();
    java.math.BigInteger y = w.getAffineY();
    if (w.equals(java.security.spec.ECPoint.POINT_INFINITY)
        || x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0
        || !y.multiply(y).subtract(x.pow(3).add(curve.getA().multiply(x)).add(curve.getB())).mod(p).equals(java.math.BigInteger.ZERO)) {
      throw new IllegalArgumentException("public key is malformed: its point is not on the curve");
    }
  }

  /**
   * True when {@code signature} is a valid signature of {@code data} by {@code key}: ECDSA
   * (ASN.1 DER signature, SHA-256, or the curve's own hash for P-384/P-521), RSA PKCS#1 v1.5
   * with SHA-256 (what cosign produces), or Ed25519. A malformed signature is reported as
   * invalid, not as an error.
   */
  static boolean verify(PublicKey key, byte[] data, byte[] signature) {
    for (String algorithm : algorithmsFor(key)) {
      try {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        verifier.update(data);
        if (verifier.verify(signature)) {
          return true;
        }
      } catch (SignatureException e) {
        // malformed signature encoding: try the next algorithm, then report "invalid"
      } catch (InvalidKeyException | NoSuchAlgorithmException e) {
        throw new IllegalStateException("key of type " + key.getAlgorithm() + " is unusable", e);
      }
    }
    return false;
  }

  /**
   * True when {@code signature} verifies over {@code data} with exactly the JCA algorithm
   * given (a trusted root names the algorithm of each log key, so no fallback is tried).
   */
  static boolean verify(PublicKey key, String jcaAlgorithm, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(jcaAlgorithm);
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false;
    } catch (InvalidKeyException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "key of type " + key.getAlgorithm() + " cannot verify " + jcaAlgorithm, e);
    }
  }

  /**
   * Verifies a signature made over a precomputed SHA-256 digest (a Sigstore bundle's message
   * signature over an artifact we only know by digest).
   */
  static boolean verifyDigest(PublicKey key, byte[] sha256Digest, byte[] signature) {
    try {
      return Verifiers.newVerifier(key).verifyDigest(sha256Digest, signature);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot verify a prehashed signature with a " + key.getAlgorithm() + " key", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static String describe(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return "ECDSA P-" + ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAPublicKey rsa) {
      return "RSA-" + rsa.getModulus().bitLength();
    }
    return isEd25519(key) ? "Ed25519" : key.getAlgorithm();
  }

  private static List<String> algorithmsFor(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 384 -> List.of("SHA384withECDSA", "SHA256withECDSA");
        case 521 -> List.of("SHA512withECDSA", "SHA256withECDSA");
        default -> List.of("SHA256withECDSA");
      };
    }
    if (key instanceof RSAPublicKey) {
      return List.of("SHA256withRSA");
    }
    return List.of("Ed25519");
  }

  static boolean isEd25519(PublicKey key) {
    return key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
  }
}
