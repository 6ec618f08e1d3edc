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
    PublicKey key;
    try {
      key = new JcaPEMKeyConverter().getPublicKey(info);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("public key is malformed: " + e.getMessage(), e);
    }
    if (key instanceof ECPublicKey) {
      if (!(info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)
          || !NIST_CURVES.contains(curve)) {
        throw new IllegalArgumentException(
            "unsupported elliptic curve: only P-256, P-384 and P-521 are accepted");
      }
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
    return key.getAlgorithm();
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

  private static boolean isEd25519(PublicKey key) {
    return key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
  }
}
