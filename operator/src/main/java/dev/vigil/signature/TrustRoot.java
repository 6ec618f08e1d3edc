package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Sigstore trusted root ({@code application/vnd.dev.sigstore.trustedroot…}), read strictly.
 *
 * <p>Every transparency log, CT log, certificate authority and timestamp authority must carry a
 * validity period with a start; a missing or inverted bound, a key whose {@code keyDetails} is
 * unknown, unsupported or does not match the key, a Merkle hash other than SHA-256, two logs
 * with the same log id, or a certificate chain whose certificates do not issue one another
 * makes the whole root unusable, with the reason. Nothing is treated as open-ended except a
 * period without an end, which is how the specification marks the instance in current use.
 *
 * <p>Validity periods are closed intervals: both ends are included.
 */
final class TrustRoot {

  static final String MEDIA_TYPE_V01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
  static final String MEDIA_TYPE_V02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";
  private static final Set<String> MEDIA_TYPES = Set.of(MEDIA_TYPE_V01, MEDIA_TYPE_V02);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TIME_STAMPING_EKU = "1.3.6.1.5.5.7.3.8";

  /** A closed time interval; {@code end} null means the instance is still in use. */
  record TimeRange(Instant start, Instant end) {

    boolean contains(Instant time) {
      return !time.isBefore(start) && (end == null || !time.isAfter(end));
    }

    @Override
    public String toString() {
      return "[" + start + ", " + (end == null ? "no end" : end.toString()) + "]";
    }
  }

  /**
   * A key of a transparency or CT log and the one signature algorithm its {@code keyDetails}
   * allows.
   */
  record LogKey(PublicKey key, String details, String jcaAlgorithm) {

    boolean verify(byte[] data, byte[] signature) {
      return PublicKeys.verify(key, jcaAlgorithm, data, signature);
    }
  }

  /**
   * A transparency log (Rekor) or certificate transparency log.
   *
   * @param name the origin the log signs checkpoints as: the host (and port) of {@code baseUrl}
   * @param checkpointKeyId the signed-note key id (trusted root v0.2), or null to use the log id
   */
  record LogInstance(
      String baseUrl, String name, LogKey key, byte[] logId, byte[] checkpointKeyId, TimeRange validFor) {

    String logIdHex() {
      return HexFormat.of().formatHex(logId);
    }

    /** The 4-byte key hint a checkpoint signature by this log starts with. */
    byte[] keyHint() {
      return Arrays.copyOf(checkpointKeyId != null ? checkpointKeyId : logId, 4);
    }

    @Override
    public String toString() {
      return baseUrl + " (log id " + logIdHex().substring(0, 16) + "…)";
    }
  }

  /**
   * A certificate authority (Fulcio) or timestamp authority.
   *
   * @param chain leaf-most first; the last certificate is the trust anchor (a self-signed root
   *     or an intermediate)
   */
  record CertificateAuthority(String uri, List<X509Certificate> chain, TimeRange validFor) {

    X509Certificate anchor() {
      return chain.get(chain.size() - 1);
    }

    @Override
    public String toString() {
      String name = chain.get(0).getSubjectX500Principal().getName();
      return (uri == null || uri.isBlank() ? name : uri + " (" + name + ")");
    }
  }

  private final String mediaType;
  private final List<LogInstance> tlogs;
  private final List<LogInstance> ctlogs;
  private final List<CertificateAuthority> certificateAuthorities;
  private final List<CertificateAuthority> timestampAuthorities;

  private TrustRoot(
      String mediaType,
      List<LogInstance> tlogs,
      List<LogInstance> ctlogs,
      List<CertificateAuthority> certificateAuthorities,
      List<CertificateAuthority> timestampAuthorities) {
    this.mediaType = mediaType;
    this.tlogs = List.copyOf(tlogs);
    this.ctlogs = List.copyOf(ctlogs);
    this.certificateAuthorities = List.copyOf(certificateAuthorities);
    this.timestampAuthorities = List.copyOf(timestampAuthorities);
  }

  String mediaType() {
    return mediaType;
  }

  List<LogInstance> tlogs() {
    return tlogs;
  }

  List<LogInstance> ctlogs() {
    return ctlogs;
  }

  List<CertificateAuthority> certificateAuthorities() {
    return certificateAuthorities;
  }

  List<CertificateAuthority> timestampAuthorities() {
    return timestampAuthorities;
  }

  Optional<LogInstance> tlog(byte[] logId) {
    return tlogs.stream().filter(log -> Arrays.equals(log.logId(), logId)).findFirst();
  }

  Optional<LogInstance> ctlog(byte[] logId) {
    return ctlogs.stream().filter(log -> Arrays.equals(log.logId(), logId)).findFirst();
  }

  /**
   * Reads and checks a trusted root.
   *
   * @throws TrustedRootException naming the field that is missing or wrong
   */
  static TrustRoot parse(byte[] json) throws TrustedRootException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (Exception e) {
      throw malformed("it is not JSON: " + TrustedRoots.messageOf(e), e);
    }
    if (root == null || !root.isObject()) {
      throw malformed("it is not a JSON object", null);
    }
    String mediaType = text(root, "mediaType", "media_type");
    if (mediaType == null || !MEDIA_TYPES.contains(mediaType)) {
      throw malformed(
          "mediaType is " + (mediaType == null ? "missing" : "'" + mediaType + "'")
              + "; supported: " + MEDIA_TYPE_V01 + ", " + MEDIA_TYPE_V02,
          null);
    }
    List<LogInstance> tlogs = logs(root, "tlogs", "tlogs", mediaType);
    List<LogInstance> ctlogs = logs(root, "ctlogs", "ctlogs", mediaType);
    List<CertificateAuthority> cas =
        authorities(root, "certificateAuthorities", "certificate_authorities", false);
    List<CertificateAuthority> tsas =
        authorities(root, "timestampAuthorities", "timestamp_authorities", true);
    return new TrustRoot(mediaType, tlogs, ctlogs, cas, tsas);
  }

  private static List<LogInstance> logs(JsonNode root, String field, String altField, String mediaType)
      throws TrustedRootException {
    List<LogInstance> logs = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    int index = 0;
    for (JsonNode node : array(root, field, altField)) {
      String where = field + "[" + index++ + "]";
      LogInstance log = log(node, where, mediaType);
      String previous = seen.putIfAbsent(log.logIdHex(), where);
      if (previous != null) {
        throw malformed(
            where + " (" + log.baseUrl() + ") has the same log id as " + previous
                + "; log ids must be unique, or an entry could be checked against the wrong key",
            null);
      }
      logs.add(log);
    }
    return logs;
  }

  private static LogInstance log(JsonNode node, String where, String mediaType)
      throws TrustedRootException {
    if (!node.isObject()) {
      throw malformed(where + " is not an object", null);
    }
    String baseUrl = text(node, "baseUrl", "base_url");
    if (baseUrl == null || baseUrl.isBlank()) {
      throw malformed(where + " has no baseUrl", null);
    }
    where = where + " (" + baseUrl + ")";
    String hash = text(node, "hashAlgorithm", "hash_algorithm");
    if (!"SHA2_256".equals(hash)) {
      throw malformed(
          where + " has hashAlgorithm " + (hash == null ? "unset" : hash)
              + "; only SHA2_256 logs are supported",
          null);
    }
    JsonNode publicKey = field(node, "publicKey", "public_key");
    if (!publicKey.isObject()) {
      throw malformed(where + " has no publicKey", null);
    }
    LogKey key = logKey(publicKey, where);
    TimeRange validFor = timeRange(field(publicKey, "validFor", "valid_for"), where + " publicKey.validFor");
    byte[] logId = keyId(node, "logId", "log_id", where, true);
    if (logId.length != 32) {
      throw malformed(where + " logId.keyId is " + logId.length + " bytes, not a 32-byte SHA-256", null);
    }
    byte[] checkpointKeyId = keyId(node, "checkpointKeyId", "checkpoint_key_id", where, false);
    if (checkpointKeyId != null) {
      if (!mediaType.equals(MEDIA_TYPE_V02)) {
        throw malformed(where + " has a checkpointKeyId, which only " + MEDIA_TYPE_V02 + " roots carry", null);
      }
      if (checkpointKeyId.length < 4) {
        throw malformed(where + " checkpointKeyId is shorter than 4 bytes", null);
      }
    }
    return new LogInstance(baseUrl, originName(baseUrl, where), key, logId, checkpointKeyId, validFor);
  }

  /** The host[:port] a log signs its checkpoints as; the base URL may lack a scheme. */
  private static String originName(String baseUrl, String where) throws TrustedRootException {
    String withScheme = baseUrl.contains("://") ? baseUrl : "https://" + baseUrl;
    try {
      String authority = URI.create(withScheme).getRawAuthority();
      if (authority == null || authority.isBlank()) {
        throw malformed(where + " baseUrl has no host", null);
      }
      return authority;
    } catch (IllegalArgumentException e) {
      throw malformed(where + " baseUrl is not a URL: " + e.getMessage(), e);
    }
  }

  private static LogKey logKey(JsonNode publicKey, String where) throws TrustedRootException {
    String details = text(publicKey, "keyDetails", "key_details");
    if (details == null) {
      throw malformed(where + " publicKey has no keyDetails", null);
    }
    byte[] raw = bytes(publicKey, "rawBytes", "raw_bytes", where + " publicKey.rawBytes");
    try {
      return switch (details) {
        case "PKIX_ECDSA_P256_SHA_256" -> new LogKey(ec(raw, 256), details, "SHA256withECDSA");
        case "PKIX_ECDSA_P384_SHA_384" -> new LogKey(ec(raw, 384), details, "SHA384withECDSA");
        case "PKIX_ECDSA_P521_SHA_512" -> new LogKey(ec(raw, 521), details, "SHA512withECDSA");
        case "PKIX_ECDSA_P384_SHA_256" -> new LogKey(ec(raw, 384), details, "SHA256withECDSA");
        case "PKIX_ECDSA_P521_SHA_256" -> new LogKey(ec(raw, 521), details, "SHA256withECDSA");
        case "PKIX_ED25519" -> new LogKey(ed25519(raw), details, "Ed25519");
        case "PKIX_RSA_PKCS1V15_2048_SHA256" -> new LogKey(rsa(PublicKeys.parseDer(raw), 2048), details, "SHA256withRSA");
        case "PKIX_RSA_PKCS1V15_3072_SHA256" -> new LogKey(rsa(PublicKeys.parseDer(raw), 3072), details, "SHA256withRSA");
        case "PKIX_RSA_PKCS1V15_4096_SHA256" -> new LogKey(rsa(PublicKeys.parseDer(raw), 4096), details, "SHA256withRSA");
        case "PKIX_RSA_PKCS1V5" -> new LogKey(rsa(PublicKeys.parseDer(raw), 0), details, "SHA256withRSA");
        case "PKCS1_RSA_PKCS1V5" -> new LogKey(rsa(PublicKeys.parsePkcs1Rsa(raw), 0), details, "SHA256withRSA");
        case "PUBLIC_KEY_DETAILS_UNSPECIFIED",
            "PKCS1_RSA_PSS",
            "PKIX_RSA_PSS",
            "PKIX_RSA_PSS_2048_SHA256",
            "PKIX_RSA_PSS_3072_SHA256",
            "PKIX_RSA_PSS_4096_SHA256",
            "PKIX_ECDSA_P256_HMAC_SHA_256",
            "PKIX_ED25519_PH",
            "LMS_SHA256",
            "LMOTS_SHA256",
            "ML_DSA_44",
            "ML_DSA_65",
            "ML_DSA_87" ->
            throw malformed(where + " publicKey.keyDetails " + details + " is not supported by Vigil", null);
        default -> throw malformed(where + " publicKey.keyDetails '" + details + "' is unknown", null);
      };
    } catch (IllegalArgumentException e) {
      throw malformed(where + " publicKey does not hold a " + details + " key: " + e.getMessage(), e);
    }
  }

  private static PublicKey ec(byte[] raw, int bits) {
    PublicKey key = PublicKeys.parseDer(raw);
    if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != bits) {
      throw new IllegalArgumentException("it is a key of type " + PublicKeys.describe(key));
    }
    return key;
  }

  private static PublicKey ed25519(byte[] raw) {
    PublicKey key = PublicKeys.parseDer(raw);
    if (!PublicKeys.isEd25519(key)) {
      throw new IllegalArgumentException("it is a key of type " + PublicKeys.describe(key));
    }
    return key;
  }

  private static PublicKey rsa(PublicKey key, int bits) {
    if (!(key instanceof RSAPublicKey rsa)) {
      throw new IllegalArgumentException("it is a key of type " + PublicKeys.describe(key));
    }
    if (bits != 0 && rsa.getModulus().bitLength() != bits) {
      throw new IllegalArgumentException("it is an RSA-" + rsa.getModulus().bitLength() + " key");
    }
    return key;
  }

  private static List<CertificateAuthority> authorities(
      JsonNode root, String field, String altField, boolean timestamping) throws TrustedRootException {
    List<CertificateAuthority> authorities = new ArrayList<>();
    int index = 0;
    for (JsonNode node : array(root, field, altField)) {
      String where = field + "[" + index++ + "]";
      if (!node.isObject()) {
        throw malformed(where + " is not an object", null);
      }
      String uri = text(node, "uri", "uri");
      if (uri != null) {
        where = where + " (" + uri + ")";
      }
      JsonNode certificates = field(field(node, "certChain", "cert_chain"), "certificates", "certificates");
      if (!certificates.isArray() || certificates.isEmpty()) {
        throw malformed(where + " has no certChain.certificates", null);
      }
      List<X509Certificate> chain = new ArrayList<>();
      int position = 0;
      for (JsonNode certificate : certificates) {
        chain.add(certificate(bytes(certificate, "rawBytes", "raw_bytes",
            where + " certChain.certificates[" + position++ + "].rawBytes"), where));
      }
      requireChain(chain, where, timestamping);
      TimeRange validFor = timeRange(field(node, "validFor", "valid_for"), where + " validFor");
      authorities.add(new CertificateAuthority(uri, List.copyOf(chain), validFor));
    }
    return authorities;
  }

  /**
   * Each certificate must be issued by the next one; a self-issued last certificate must carry
   * a valid self-signature. CA certificates must be CAs; a TSA's first certificate must be for
   * time stamping.
   */
  private static void requireChain(List<X509Certificate> chain, String where, boolean timestamping)
      throws TrustedRootException {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      boolean leaf = timestamping && i == 0;
      if (leaf) {
        List<String> usages;
        try {
          usages = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
          throw malformed(where + " signing certificate has a malformed extended key usage", e);
        }
        if (usages == null || !usages.contains(TIME_STAMPING_EKU)) {
          throw malformed(where + " signing certificate is not issued for time stamping", null);
        }
      } else if (certificate.getBasicConstraints() < 0) {
        throw malformed(
            where + " certChain.certificates[" + i + "] ("
                + certificate.getSubjectX500Principal().getName() + ") is not a CA certificate",
            null);
      }
      X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1) : null;
      if (issuer == null && !certificate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
        continue; // an intermediate trust anchor: nothing above it to check against
      }
      X509Certificate signer = issuer == null ? certificate : issuer;
      if (!certificate.getIssuerX500Principal().equals(signer.getSubjectX500Principal())) {
        throw malformed(
            where + " certChain.certificates[" + i + "] is issued by "
                + certificate.getIssuerX500Principal().getName() + ", not by the next certificate ("
                + signer.getSubjectX500Principal().getName() + ")",
            null);
      }
      try {
        certificate.verify(signer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw malformed(
            where + " certChain.certificates[" + i + "] does not verify with the key of "
                + (issuer == null ? "itself" : "the next certificate") + ": " + TrustedRoots.messageOf(e),
            e);
      }
    }
  }

  private static X509Certificate certificate(byte[] der, String where) throws TrustedRootException {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw malformed(where + " holds a malformed certificate: " + TrustedRoots.messageOf(e), e);
    }
  }

  private static TimeRange timeRange(JsonNode node, String where) throws TrustedRootException {
    if (!node.isObject()) {
      throw malformed(where + " is missing; every instance needs a validity period with a start", null);
    }
    String start = text(node, "start", "start");
    if (start == null) {
      throw malformed(where + " has no start; a missing bound is not treated as open-ended", null);
    }
    Instant from = instant(start, where + ".start");
    String end = text(node, "end", "end");
    Instant to = end == null ? null : instant(end, where + ".end");
    if (to != null && to.isBefore(from)) {
      throw malformed(where + " ends (" + to + ") before it starts (" + from + ")", null);
    }
    return new TimeRange(from, to);
  }

  private static Instant instant(String text, String where) throws TrustedRootException {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw malformed(where + " '" + text + "' is not an RFC 3339 time", e);
    }
  }

  private static byte[] keyId(JsonNode node, String field, String altField, String where, boolean required)
      throws TrustedRootException {
    JsonNode id = field(node, field, altField);
    if (id.isMissingNode() || id.isNull()) {
      if (required) {
        throw malformed(where + " has no " + field, null);
      }
      return null;
    }
    return bytes(id, "keyId", "key_id", where + " " + field + ".keyId");
  }

  private static byte[] bytes(JsonNode node, String field, String altField, String where)
      throws TrustedRootException {
    String text = text(node, field, altField);
    if (text == null || text.isEmpty()) {
      throw malformed(where + " is missing", null);
    }
    try {
      return Base64Json.decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(where + " is not base64", e);
    }
  }

  private static Iterable<JsonNode> array(JsonNode root, String field, String altField)
      throws TrustedRootException {
    JsonNode node = field(root, field, altField);
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw malformed(field + " is not an array", null);
    }
    return node;
  }

  /** Protobuf JSON: the lowerCamelCase name, or the original proto field name. */
  private static JsonNode field(JsonNode node, String field, String altField) {
    JsonNode value = node.path(field);
    return value.isMissingNode() ? node.path(altField) : value;
  }

  private static String text(JsonNode node, String field, String altField) throws TrustedRootException {
    JsonNode value = field(node, field, altField);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw malformed(field + " is not a string", null);
    }
    return value.asText();
  }

  private static TrustedRootException malformed(String reason, Throwable cause) {
    return new TrustedRootException("trusted root is malformed: " + reason, cause);
  }

  /**
   * Base64 as protobuf JSON readers accept bytes: standard alphabet, or URL-safe; padding
   * optional; line breaks ignored (Go's and Python's decoders skip them, and tools such as
   * {@code base64} wrap their output). Any other character outside the alphabet is an error.
   */
  static final class Base64Json {
    private Base64Json() {}

    static byte[] decode(String encoded) {
      String text = encoded.indexOf('\n') < 0 && encoded.indexOf('\r') < 0
          ? encoded
          : encoded.replace("\r", "").replace("\n", "");
      try {
        return Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException standard) {
        try {
          return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException urlSafe) {
          throw standard;
        }
      }
    }
  }
}
