package dev.vigil.image.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which files may hold private keys or credentials, and how their content shows that they do. The
 * same path rules decide which contents {@link ImageChecks#CONTENT_SELECTOR} captures, so a file
 * the checks judge is always a file the layer walker kept.
 */
final class SensitiveFiles {

  /** The user database, read to tell whether a named USER is uid 0. */
  static final String PASSWD = "etc/passwd";

  private static final Set<String> SSH_KEY_NAMES =
      Set.of("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk");

  private static final Pattern SSH_HOST_KEY = Pattern.compile("ssh_host_[a-z0-9]+_key");

  private static final Pattern PRIVATE_KEY_HEADER =
      Pattern.compile("-----BEGIN ((?:[A-Z0-9]+ )?)PRIVATE KEY-----");

  /**
   * Directories that hold test data of third-party packages (node_modules/x/test/keys/*.pem, Python
   * test suites): their keys are published with the package and protect nothing.
   */
  private static final Set<String> TEST_DIRECTORIES =
      Set.of("test", "tests", "testdata", "test-data", "fixtures", "__tests__");

  /** .env variants that document variables rather than set them. */
  private static final Set<String> ENV_TEMPLATE_SUFFIXES =
      Set.of("example", "sample", "template", "dist", "defaults");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One kind of credential file.
   *
   * @param matches path rule (normalised relative path)
   * @param inspect what the content holds, for evidence; empty when it holds no credential
   */
  private record CredentialRule(
      Predicate<String> matches, Function<String, Optional<String>> inspect) {}

  private static final List<CredentialRule> CREDENTIAL_RULES =
      List.of(
          new CredentialRule(
              p -> name(p).equals(".npmrc"),
              text ->
                  literalValue(
                      text,
                      "(?m)^\\s*(?:\\S*:)?_(?:authToken|auth|password)\\s*=\\s*(.+)$",
                      "npm registry credentials")),
          new CredentialRule(
              p -> name(p).equals(".pypirc"),
              text ->
                  literalValue(
                      text, "(?mi)^\\s*password\\s*[=:]\\s*(.+)$", "package index password")),
          new CredentialRule(
              p -> name(p).equals(".git-credentials"),
              text ->
                  Pattern.compile("://[^:/\\s]+:[^@\\s]+@").matcher(text).find()
                      ? Optional.of("stored Git credentials")
                      : Optional.empty()),
          new CredentialRule(
              p -> name(p).equals(".netrc"),
              text -> literalValue(text, "(?m)\\bpassword\\s+(\\S+)", "netrc password")),
          new CredentialRule(
              p -> name(p).equals(".pgpass"),
              text ->
                  literalValue(
                      text,
                      "(?m)^[^#:\\n]*:[^:\\n]*:[^:\\n]*:[^:\\n]*:(.+)$",
                      "PostgreSQL password")),
          new CredentialRule(
              p -> endsWith(p, ".aws/credentials"),
              text ->
                  literalValue(
                      text,
                      "(?mi)^\\s*aws_(?:secret_access_key|session_token)\\s*=\\s*(.+)$",
                      "AWS secret access key")),
          new CredentialRule(
              p -> endsWith(p, ".docker/config.json"), SensitiveFiles::dockerConfigCredentials),
          new CredentialRule(
              p ->
                  endsWith(p, ".config/gcloud/credentials.db")
                      || endsWith(p, ".config/gcloud/access_tokens.db")
                      || endsWith(p, ".config/gcloud/application_default_credentials.json")
                      || (p.contains(".config/gcloud/legacy_credentials/")
                          && name(p).equals("adc.json")),
              text -> Optional.of("Google Cloud credentials")),
          new CredentialRule(
              p -> endsWith(p, ".kube/config") || p.equals("etc/kubernetes/admin.conf"),
              text ->
                  literalValue(
                      text,
                      "(?m)^\\s*(?:token|client-key-data|password)\\s*:\\s*(.+)$",
                      "Kubernetes credentials")),
          new CredentialRule(SensitiveFiles::isEnvFile, SensitiveFiles::envFileSecrets));

  private SensitiveFiles() {}

  /** Whether the image checks need this file's content. */
  static boolean isWanted(String path) {
    return path.equals(PASSWD) || isPrivateKeyCandidate(path) || isCredentialCandidate(path);
  }

  static boolean isPrivateKeyCandidate(String path) {
    String name = name(path);
    String lower = name.toLowerCase(Locale.ROOT);
    return SSH_KEY_NAMES.contains(name)
        || (name.startsWith("ssh_host_") && name.endsWith("_key") && SSH_HOST_KEY.matcher(name).matches())
        || lower.endsWith(".pem")
        || lower.endsWith(".key");
  }

  static boolean isCredentialCandidate(String path) {
    // A plain loop: the layer walk asks this for every file of every layer.
    for (CredentialRule rule : CREDENTIAL_RULES) {
      if (rule.matches().test(path)) {
        return true;
      }
    }
    return false;
  }

  /** True for paths inside a test-data directory of some package. */
  static boolean isTestData(String path) {
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      if (TEST_DIRECTORIES.contains(segments[i])) {
        return true;
      }
    }
    return false;
  }

  /** "OPENSSH private key", "RSA private key", "private key"; empty when there is no header. */
  static Optional<String> privateKeyKind(byte[] content) {
    Matcher m = PRIVATE_KEY_HEADER.matcher(text(content));
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(m.group(1) + "private key");
  }

  /** What credential the file holds, when its path is a credential file and it holds one. */
  static Optional<String> credential(String path, byte[] content) {
    String text = text(content);
    for (CredentialRule rule : CREDENTIAL_RULES) {
      if (rule.matches().test(path)) {
        Optional<String> found = rule.inspect().apply(text);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isEnvFile(String path) {
    String name = name(path);
    if (name.equals(".env")) {
      return true;
    }
    if (!name.startsWith(".env.")) {
      return false;
    }
    String suffix = name.substring(".env.".length()).toLowerCase(Locale.ROOT);
    return !ENV_TEMPLATE_SUFFIXES.contains(suffix);
  }

  /** Names of the variables in a .env file that hold secrets, never their values. */
  private static Optional<String> envFileSecrets(String text) {
    Pattern line = Pattern.compile("(?m)^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=(.*)$");
    Set<String> names = new TreeSet<>();
    Matcher m = line.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      String value = m.group(2).strip();
      boolean secretName = SecretNames.isSecretName(name) && SecretNames.isLiteralValue(value);
      if (secretName || !SecretPatterns.find(value).isEmpty()) {
        names.add(name);
      }
    }
    return names.isEmpty()
        ? Optional.empty()
        : Optional.of("environment file setting " + String.join(", ", names));
  }

  /** Registry hosts with stored credentials in a Docker client config. */
  private static Optional<String> dockerConfigCredentials(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      // Truncated at the capture cap or malformed: fall back to the field names, which
      // still show that credentials are stored.
      return Pattern.compile("\"(?:auth|identitytoken|registrytoken|password)\"\\s*:\\s*\"[^\"]+\"")
              .matcher(text)
              .find()
          ? Optional.of("registry credentials")
          : Optional.empty();
    }
    JsonNode auths = root == null ? null : root.get("auths");
    if (auths == null || !auths.isObject()) {
      return Optional.empty();
    }
    Set<String> hosts = new TreeSet<>();
    auths
        .fields()
        .forEachRemaining(
            e -> {
              for (String field : List.of("auth", "identitytoken", "registrytoken", "password")) {
                JsonNode v = e.getValue().get(field);
                if (v != null && v.isTextual() && !v.textValue().isEmpty()) {
                  hosts.add(e.getKey());
                }
              }
            });
    return hosts.isEmpty()
        ? Optional.empty()
        : Optional.of("registry credentials for " + String.join(", ", hosts));
  }

  private static Optional<String> literalValue(String text, String regex, String what) {
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      if (SecretNames.isLiteralValue(m.group(1))) {
        return Optional.of(what);
      }
    }
    return Optional.empty();
  }

  private static String text(byte[] content) {
    return new String(content, StandardCharsets.UTF_8);
  }

  private static String name(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /** {@code path} is {@code suffix} or ends with "/" + {@code suffix} (without building that string). */
  private static boolean endsWith(String path, String suffix) {
    int start = path.length() - suffix.length();
    return path.endsWith(suffix) && (start == 0 || path.charAt(start - 1) == '/');
  }
}
