package dev.vigil.signature;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes cosign tag-scheme signatures exactly as cosign writes them: the simple-signing
 * payload, the base64 signature annotation, and optionally the Fulcio certificate and chain
 * annotations and the Rekor bundle annotation (hashedrekord 0.0.1 body + SET).
 */
public final class TestCosignSigner {

  private final TestSigstore sigstore;

  public TestCosignSigner(TestSigstore sigstore) {
    this.sigstore = sigstore;
  }

  /** cosign's payload bytes for an image (key order and spacing as cosign emits them). */
  public static byte[] payload(String dockerReference, String digest) {
    return ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + dockerReference
            + "\"},\"image\":{\"docker-manifest-digest\":\"" + digest
            + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Key signature without a transparency-log entry (cosign sign --tlog-upload=false). */
  public Signed signWithKey(KeyPair key, byte[] payload) {
    byte[] signature = TestSigstore.sign(key.getPrivate(), payload);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(CosignSignature.SIGNATURE_ANNOTATION, TestSigstore.base64(signature));
    return new Signed(payload, annotations);
  }

  /** Key signature logged in the test Rekor at {@code integratedTime}. */
  public Signed signWithKeyAndLog(KeyPair key, byte[] payload, Instant integratedTime) {
    Signed signed = signWithKey(key, payload);
    return signed.withBundle(
        sigstore.log(hashedRekord(payload, signed.signature(), TestSigstore.pem(key.getPublic())),
            integratedTime));
  }

  /**
   * Keyless signature: a certificate for {@code subject}/{@code issuer} valid from {@code
   * notBefore} for ten minutes, logged at {@code integratedTime}.
   */
  public Signed signKeyless(
      byte[] payload, String subject, String issuer, Instant notBefore, Instant integratedTime) {
    KeyPair ephemeral = TestSigstore.ecKey();
    X509Certificate leaf =
        sigstore.issue(ephemeral, subject, issuer, notBefore, java.time.Duration.ofMinutes(10));
    Signed signed = signWithKey(ephemeral, payload);
    signed.annotations.put(CosignSignature.CERTIFICATE_ANNOTATION, TestSigstore.pem(leaf));
    signed.annotations.put(
        CosignSignature.CHAIN_ANNOTATION,
        TestSigstore.pem(sigstore.intermediate()) + TestSigstore.pem(sigstore.root()));
    return signed.withBundle(
        sigstore.log(hashedRekord(payload, signed.signature(), TestSigstore.pem(leaf)), integratedTime));
  }

  /** Rekor's canonical hashedrekord 0.0.1 body for a signature over {@code data}. */
  static String hashedRekord(byte[] data, byte[] signature, String signerPem) {
    return "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
        + "{\"algorithm\":\"sha256\",\"value\":\"" + HexFormat.of().formatHex(PublicKeys.sha256(data))
        + "\"}},\"signature\":{\"content\":\"" + TestSigstore.base64(signature)
        + "\",\"publicKey\":{\"content\":\""
        + TestSigstore.base64(signerPem.getBytes(StandardCharsets.UTF_8)) + "\"}}}}";
  }

  /** A signature under construction: payload plus annotations, edited by tamper tests. */
  public static final class Signed {
    final byte[] payload;
    final Map<String, String> annotations;

    Signed(byte[] payload, Map<String, String> annotations) {
      this.payload = payload;
      this.annotations = annotations;
    }

    byte[] signature() {
      return java.util.Base64.getDecoder().decode(annotations.get(CosignSignature.SIGNATURE_ANNOTATION));
    }

    Signed withBundle(TestSigstore.LoggedEntry entry) {
      annotations.put(CosignSignature.BUNDLE_ANNOTATION, bundleAnnotation(entry));
      return this;
    }

    public CosignSignature toSignature(String source) {
      return new CosignSignature(source, payload, annotations);
    }

    public Signed withPayload(byte[] other) {
      return new Signed(other, new LinkedHashMap<>(annotations));
    }

    public Signed without(String annotation) {
      Map<String, String> copy = new LinkedHashMap<>(annotations);
      copy.remove(annotation);
      return new Signed(payload, copy);
    }

    public Signed with(String annotation, String value) {
      Map<String, String> copy = new LinkedHashMap<>(annotations);
      copy.put(annotation, value);
      return new Signed(payload, copy);
    }

    public Map<String, String> annotations() {
      return Map.copyOf(annotations);
    }

    public byte[] payload() {
      return payload.clone();
    }
  }

  static String bundleAnnotation(TestSigstore.LoggedEntry entry) {
    return "{\"SignedEntryTimestamp\":\"" + entry.setBase64() + "\",\"Payload\":{\"body\":\""
        + entry.bodyBase64() + "\",\"integratedTime\":" + entry.integratedTime() + ",\"logIndex\":"
        + entry.logIndex() + ",\"logID\":\"" + entry.logIdHex() + "\"}}";
  }
}
