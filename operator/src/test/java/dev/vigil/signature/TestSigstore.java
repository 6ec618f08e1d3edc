package dev.vigil.signature;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private Sigstore instance for tests: a Fulcio-like CA (root + intermediate) issuing
 * short-lived certificates with the OIDC issuer extensions, SAN and embedded SCTs from a test
 * CT log; a test Rekor key producing Signed Entry Timestamps and single-leaf inclusion proofs
 * with signed checkpoints; and the trusted_root.json that makes Vigil trust exactly these.
 */
public final class TestSigstore {

  public static final String REKOR_HOST = "rekor.vigil.test";
  private static final Instant EPOCH = Instant.parse("2020-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyPair rootKey = ecKey();
  private final KeyPair intermediateKey = ecKey();
  private final KeyPair ctLogKey = ecKey();
  private final KeyPair rekorKey = ecKey();
  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final AtomicLong serials = new AtomicLong(1000);
  private final AtomicLong logIndexes = new AtomicLong(7);

  public TestSigstore() {
    root = caCertificate("Vigil Test Root", rootKey, rootKey, null);
    intermediate = caCertificate("Vigil Test Intermediate", intermediateKey, rootKey, root);
  }

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  public String rekorLogIdHex() {
    return HexFormat.of().formatHex(PublicKeys.sha256(rekorKey.getPublic().getEncoded()));
  }

  /** trusted_root.json trusting this instance's CA chain, Rekor key and CT log key. */
  public byte[] trustedRootJson() {
    ObjectNode rootNode = JSON.createObjectNode();
    rootNode.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
    rootNode.putArray("tlogs").add(logNode("https://" + REKOR_HOST, rekorKey));
    ObjectNode ca = rootNode.putArray("certificateAuthorities").addObject();
    ca.putObject("subject").put("organization", "vigil.test").put("commonName", "Vigil Test Root");
    ca.put("uri", "https://fulcio.vigil.test");
    ArrayNode chain = ca.putObject("certChain").putArray("certificates");
    chain.addObject().put("rawBytes", base64(encoded(intermediate)));
    chain.addObject().put("rawBytes", base64(encoded(root)));
    ca.putObject("validFor").put("start", EPOCH.toString());
    rootNode.putArray("ctlogs").add(logNode("https://ctfe.vigil.test", ctLogKey));
    rootNode.putArray("timestampAuthorities");
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rootNode);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TrustedRootSource trustedRoot() {
    return TrustedRootSource.json(trustedRootJson());
  }

  /**
   * Issues a Fulcio-style leaf: empty subject, critical SAN (email when it contains '@' and
   * no scheme, else URI), codeSigning EKU, both issuer extensions, and an embedded SCT.
   */
  public X509Certificate issue(KeyPair signer, String subject, String issuer, Instant notBefore, Duration validity) {
    try {
      BigInteger serial = BigInteger.valueOf(serials.incrementAndGet());
      GeneralName san =
          subject.contains("://")
              ? new GeneralName(GeneralName.uniformResourceIdentifier, subject)
              : new GeneralName(GeneralName.rfc822Name, subject);
      X509v3CertificateBuilder precert = leafBuilder(signer, serial, san, issuer, notBefore, validity);
      ContentSigner caSigner = signerFor(intermediateKey.getPrivate());
      byte[] precertTbs = precert.build(caSigner).toASN1Structure().getTBSCertificate().getEncoded();
      byte[] sctList = sctList(precertTbs, notBefore.plusSeconds(1));
      X509v3CertificateBuilder finalCert = leafBuilder(signer, serial, san, issuer, notBefore, validity);
      finalCert.addExtension(
          new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2"), false, new DEROctetString(sctList));
      return convert(finalCert.build(caSigner));
    } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private X509v3CertificateBuilder leafBuilder(
      KeyPair signer, BigInteger serial, GeneralName san, String issuer, Instant notBefore, Duration validity)
      throws IOException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            intermediate, serial, Date.from(notBefore), Date.from(notBefore.plus(validity)),
            new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), signer.getPublic());
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    builder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
    builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(san));
    builder.addExtension(
        new ASN1ObjectIdentifier(CertificateIdentity.ISSUER_V1_OID), false,
        issuer.getBytes(StandardCharsets.UTF_8));
    builder.addExtension(
        new ASN1ObjectIdentifier(CertificateIdentity.ISSUER_V2_OID), false, new DERUTF8String(issuer));
    return builder;
  }

  /** RFC 6962 SignedCertificateTimestampList holding one precertificate SCT. */
  private byte[] sctList(byte[] precertTbs, Instant timestamp) throws GeneralSecurityException {
    byte[] logId = PublicKeys.sha256(ctLogKey.getPublic().getEncoded());
    byte[] issuerKeyHash = PublicKeys.sha256(intermediateKey.getPublic().getEncoded());
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.write(0); // v1
    signed.write(0); // certificate_timestamp
    writeLong(signed, timestamp.toEpochMilli());
    signed.write(0);
    signed.write(1); // precert_entry
    signed.writeBytes(issuerKeyHash);
    signed.write((precertTbs.length >> 16) & 0xff);
    signed.write((precertTbs.length >> 8) & 0xff);
    signed.write(precertTbs.length & 0xff);
    signed.writeBytes(precertTbs);
    signed.write(0);
    signed.write(0); // no extensions
    byte[] signature = sign(ctLogKey.getPrivate(), signed.toByteArray());

    ByteArrayOutputStream sct = new ByteArrayOutputStream();
    sct.write(0);
    sct.writeBytes(logId);
    writeLong(sct, timestamp.toEpochMilli());
    sct.write(0);
    sct.write(0);
    sct.write(4); // sha256
    sct.write(3); // ecdsa
    sct.write((signature.length >> 8) & 0xff);
    sct.write(signature.length & 0xff);
    sct.writeBytes(signature);
    byte[] one = sct.toByteArray();

    ByteBuffer list = ByteBuffer.allocate(4 + one.length);
    list.putShort((short) (one.length + 2));
    list.putShort((short) one.length);
    list.put(one);
    return list.array();
  }

  /** A logged entry: what a bundle or cosign's bundle annotation carries. */
  public record LoggedEntry(
      String bodyBase64, long integratedTime, long logIndex, String logIdHex, String setBase64,
      String rootHashBase64, String checkpoint) {}

  /**
   * Logs a canonical entry body at {@code integratedTime}: signs the SET and makes a
   * single-leaf inclusion proof with a checkpoint signed by the Rekor key.
   */
  public LoggedEntry log(String canonicalBody, Instant integratedTime) {
    String body = base64(canonicalBody.getBytes(StandardCharsets.UTF_8));
    long index = logIndexes.incrementAndGet();
    long time = integratedTime.getEpochSecond();
    String setPayload =
        "{\"body\":\"" + body + "\",\"integratedTime\":" + time + ",\"logID\":\"" + rekorLogIdHex()
            + "\",\"logIndex\":" + index + "}";
    String set = base64(sign(rekorKey.getPrivate(), setPayload.getBytes(StandardCharsets.UTF_8)));
    byte[] leafHash = leafHash(Base64.getDecoder().decode(body));
    String rootHash = base64(leafHash);
    String header = REKOR_HOST + " - 4242\n1\n" + rootHash + "\n";
    byte[] keyHint = java.util.Arrays.copyOf(PublicKeys.sha256(rekorKey.getPublic().getEncoded()), 4);
    byte[] noteSignature = sign(rekorKey.getPrivate(), header.getBytes(StandardCharsets.UTF_8));
    byte[] hinted = new byte[4 + noteSignature.length];
    System.arraycopy(keyHint, 0, hinted, 0, 4);
    System.arraycopy(noteSignature, 0, hinted, 4, noteSignature.length);
    String checkpoint = header + "\n\u2014 " + REKOR_HOST + " " + base64(hinted) + "\n";
    return new LoggedEntry(body, time, index, rekorLogIdHex(), set, rootHash, checkpoint);
  }

  private static byte[] leafHash(byte[] body) {
    byte[] prefixed = new byte[body.length + 1];
    System.arraycopy(body, 0, prefixed, 1, body.length);
    return PublicKeys.sha256(prefixed);
  }

  public static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature signature = Signature.getInstance(
          key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
              : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "Ed25519");
      signature.initSign(key);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(Object keyOrCertificate) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(keyOrCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode logNode(String baseUrl, KeyPair key) {
    ObjectNode log = JSON.createObjectNode();
    log.put("baseUrl", baseUrl);
    log.put("hashAlgorithm", "SHA2_256");
    ObjectNode publicKey = log.putObject("publicKey");
    publicKey.put("rawBytes", base64(key.getPublic().getEncoded()));
    publicKey.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
    publicKey.putObject("validFor").put("start", EPOCH.toString());
    log.putObject("logId").put("keyId", base64(PublicKeys.sha256(key.getPublic().getEncoded())));
    return log;
  }

  private X509Certificate caCertificate(String name, KeyPair subject, KeyPair issuerKey, X509Certificate issuer) {
    try {
      X500Name subjectName = new X500Name("O=vigil.test,CN=" + name);
      X500Name issuerName = issuer == null ? subjectName : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName, BigInteger.valueOf(serials.incrementAndGet()), Date.from(EPOCH),
              Date.from(EPOCH.plus(Duration.ofDays(3650 * 2))), subjectName, subject.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(issuer == null ? 1 : 0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return convert(builder.build(signerFor(issuerKey.getPrivate())));
    } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ContentSigner signerFor(PrivateKey key)
      throws org.bouncycastle.operator.OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static void writeLong(ByteArrayOutputStream out, long value) {
    out.writeBytes(ByteBuffer.allocate(8).putLong(value).array());
  }
}
