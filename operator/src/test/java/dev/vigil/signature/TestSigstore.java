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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
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
 * CT log; a test Rekor v1 key producing Signed Entry Timestamps and single-leaf inclusion
 * proofs with signed checkpoints; a Rekor v2 log (Ed25519, C2SP signed-note checkpoints, a
 * growing Merkle tree, no integrated time, no SET); an RFC 3161 timestamp authority; and the
 * trusted_root.json that makes Vigil trust exactly these.
 */
public final class TestSigstore {

  public static final String REKOR_HOST = "rekor.vigil.test";
  public static final String REKOR_V2_HOST = "rekor2.vigil.test";
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
  private final KeyPair rekorV2Key = ed25519Key();
  private final List<byte[]> rekorV2Leaves = new ArrayList<>();
  private final KeyPair tsaRootKey = ecKey();
  private final KeyPair tsaKey = ecKey();
  private final X509Certificate tsaRoot;
  private final X509Certificate tsaLeaf;

  public TestSigstore() {
    root = caCertificate("Vigil Test Root", rootKey, rootKey, null);
    intermediate = caCertificate("Vigil Test Intermediate", intermediateKey, rootKey, root);
    tsaRoot = caCertificate("Vigil Test TSA Root", tsaRootKey, tsaRootKey, null);
    tsaLeaf = tsaCertificate();
  }

  public static KeyPair ed25519Key() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
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
    ((ArrayNode) rootNode.get("tlogs")).add(rekorV2LogNode());
    rootNode.putArray("ctlogs").add(logNode("https://ctfe.vigil.test", ctLogKey));
    ObjectNode tsa = rootNode.putArray("timestampAuthorities").addObject();
    tsa.putObject("subject").put("organization", "vigil.test").put("commonName", "Vigil Test TSA");
    tsa.put("uri", "https://tsa.vigil.test");
    ArrayNode tsaChain = tsa.putObject("certChain").putArray("certificates");
    tsaChain.addObject().put("rawBytes", base64(encoded(tsaLeaf)));
    tsaChain.addObject().put("rawBytes", base64(encoded(tsaRoot)));
    tsa.putObject("validFor").put("start", EPOCH.toString());
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

  /** The Rekor v2 log's id: its C2SP signed-note key id, SHA-256(name || 0x0A || 0x01 || key). */
  public byte[] rekorV2LogId() {
    byte[] spki = rekorV2Key.getPublic().getEncoded();
    ByteArrayOutputStream id = new ByteArrayOutputStream();
    id.writeBytes(REKOR_V2_HOST.getBytes(StandardCharsets.UTF_8));
    id.write('\n');
    id.write(1);
    id.writeBytes(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    return PublicKeys.sha256(id.toByteArray());
  }

  private ObjectNode rekorV2LogNode() {
    ObjectNode log = JSON.createObjectNode();
    log.put("baseUrl", "https://" + REKOR_V2_HOST);
    log.put("hashAlgorithm", "SHA2_256");
    ObjectNode publicKey = log.putObject("publicKey");
    publicKey.put("rawBytes", base64(rekorV2Key.getPublic().getEncoded()));
    publicKey.put("keyDetails", "PKIX_ED25519");
    publicKey.putObject("validFor").put("start", EPOCH.toString());
    log.putObject("logId").put("keyId", base64(rekorV2LogId()));
    return log;
  }

  /** An entry in the Rekor v2 log: index, the tree it was proven in, and the signed checkpoint. */
  public record RekorV2Entry(
      String bodyBase64, long logIndex, long treeSize, String rootHashBase64, List<String> hashesBase64,
      String checkpoint) {}

  /**
   * Appends a canonical entry body to the Rekor v2 log (after {@code padding} unrelated
   * entries, so that the proof has an audit path) and proves its inclusion in the tree as it
   * then stands, with a checkpoint signed by the log's Ed25519 key.
   */
  public synchronized RekorV2Entry logV2(String canonicalBody, int padding) {
    for (int i = 0; i < padding; i++) {
      rekorV2Leaves.add(leafHash(("unrelated entry " + rekorV2Leaves.size()).getBytes(StandardCharsets.UTF_8)));
    }
    byte[] body = canonicalBody.getBytes(StandardCharsets.UTF_8);
    int index = rekorV2Leaves.size();
    rekorV2Leaves.add(leafHash(body));
    List<byte[]> tree = List.copyOf(rekorV2Leaves);
    byte[] rootHash = merkleRoot(tree);
    List<String> path = new ArrayList<>();
    for (byte[] hash : auditPath(index, tree)) {
      path.add(base64(hash));
    }
    String note = REKOR_V2_HOST + "\n" + tree.size() + "\n" + base64(rootHash) + "\n";
    return new RekorV2Entry(
        base64(body), index, tree.size(), base64(rootHash), path,
        note + "\n" + noteSignatureLine(REKOR_V2_HOST, java.util.Arrays.copyOf(rekorV2LogId(), 4),
            sign(rekorV2Key.getPrivate(), note.getBytes(StandardCharsets.UTF_8))));
  }

  /** A signed-note signature line: "— name base64(key hint || signature)". */
  public static String noteSignatureLine(String name, byte[] keyHint, byte[] signature) {
    byte[] hinted = new byte[keyHint.length + signature.length];
    System.arraycopy(keyHint, 0, hinted, 0, keyHint.length);
    System.arraycopy(signature, 0, hinted, keyHint.length, signature.length);
    return "\u2014 " + name + " " + base64(hinted) + "\n";
  }

  /** RFC 6962 Merkle tree hash over leaf hashes. */
  private static byte[] merkleRoot(List<byte[]> leaves) {
    if (leaves.size() == 1) {
      return leaves.get(0);
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    return nodeHash(merkleRoot(leaves.subList(0, k)), merkleRoot(leaves.subList(k, leaves.size())));
  }

  /** RFC 6962 audit path for leaf {@code m}, leaf-most sibling first. */
  private static List<byte[]> auditPath(int m, List<byte[]> leaves) {
    if (leaves.size() == 1) {
      return new ArrayList<>();
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    List<byte[]> path;
    if (m < k) {
      path = auditPath(m, leaves.subList(0, k));
      path.add(merkleRoot(leaves.subList(k, leaves.size())));
    } else {
      path = auditPath(m - k, leaves.subList(k, leaves.size()));
      path.add(merkleRoot(leaves.subList(0, k)));
    }
    return path;
  }

  private static byte[] nodeHash(byte[] left, byte[] right) {
    byte[] prefixed = new byte[1 + left.length + right.length];
    prefixed[0] = 1;
    System.arraycopy(left, 0, prefixed, 1, left.length);
    System.arraycopy(right, 0, prefixed, 1 + left.length, right.length);
    return PublicKeys.sha256(prefixed);
  }

  /**
   * An RFC 3161 TimeStampResponse from the test TSA over {@code signature} (SHA-256 message
   * imprint), generated at {@code at}.
   */
  public byte[] timestamp(byte[] signature, Instant at) {
    try {
      var signerInfo =
          new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder()
              .build("SHA256withECDSA", tsaKey.getPrivate(), tsaLeaf);
      var certIdDigest =
          new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build()
              .get(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                  org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256));
      var generator =
          new org.bouncycastle.tsp.TimeStampTokenGenerator(
              signerInfo, certIdDigest, new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2"));
      var request =
          new org.bouncycastle.tsp.TimeStampRequestGenerator()
              .generate(org.bouncycastle.tsp.TSPAlgorithms.SHA256, PublicKeys.sha256(signature));
      return new org.bouncycastle.tsp.TimeStampResponseGenerator(
              generator, org.bouncycastle.tsp.TSPAlgorithms.ALLOWED)
          .generate(request, BigInteger.valueOf(serials.incrementAndGet()), Date.from(at))
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private X509Certificate tsaCertificate() {
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              tsaRoot, BigInteger.valueOf(serials.incrementAndGet()), Date.from(EPOCH),
              Date.from(EPOCH.plus(Duration.ofDays(3650 * 2))),
              new X500Name("O=vigil.test,CN=Vigil Test TSA"), tsaKey.getPublic());
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
      return convert(builder.build(signerFor(tsaRootKey.getPrivate())));
    } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
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
