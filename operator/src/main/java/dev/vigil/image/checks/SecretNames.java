package dev.vigil.image.checks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a variable name (ENV, ARG, build arg, .env entry) suggests that its value is a
 * secret, and whether a value is a real literal rather than a placeholder. The exclusions are the
 * false positives official images would otherwise raise: GPG_KEY(S) fingerprints, *_VERSION,
 * *_SHA256 and other checksums, *_KEY_ID, *_FILE pointers to mounted secrets.
 */
final class SecretNames {

  /** Any of these name words marks a secret. */
  private static final Set<String> SECRET_WORDS =
      Set.of(
          "PASSWORD",
          "PASSWD",
          "PASS",
          "PWD",
          "PASSPHRASE",
          "SECRET",
          "SECRETS",
          "TOKEN",
          "TOKENS",
          "AUTHTOKEN",
          "APIKEY",
          "PRIVATEKEY",
          "CREDENTIAL",
          "CREDENTIALS");

  /** A name ending in one of these words describes a secret without being one. */
  private static final Set<String> NON_SECRET_LAST_WORDS =
      Set.of(
          "VERSION",
          "SHA",
          "SHA1",
          "SHA256",
          "SHA512",
          "MD5",
          "CHECKSUM",
          "HASH",
          "ID",
          "IDS",
          "FILE",
          "FILES",
          "PATH",
          "DIR",
          "DIRECTORY",
          "LOCATION",
          "FINGERPRINT",
          "URL",
          "URI",
          "HOST",
          "PORT",
          "ENDPOINT",
          "USER",
          "USERNAME",
          "NAME",
          "TYPE",
          "MODE",
          "LENGTH",
          "MIN",
          "MAX",
          "SIZE",
          "COUNT",
          "TTL",
          "EXPIRY",
          "EXPIRES",
          "LIFETIME",
          "TIMEOUT",
          "ENABLED",
          "HEADER",
          "ALGORITHM",
          "PREFIX",
          "POLICY");

  /** A name containing one of these words names public key material. */
  private static final Set<String> PUBLIC_KEY_WORDS =
      Set.of("GPG", "PGP", "GPGKEY", "GPGKEYS", "PUBLIC", "PUB", "PUBKEY");

  private static final Set<String> NOT_SECRET_VALUES =
      Set.of("true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null");

  private SecretNames() {}

  /** True when the name says its value is a secret. */
  static boolean isSecretName(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (upper.equals("PWD") || upper.equals("PATH")) {
      return false;
    }
    // Words split at non-alphanumerics and camelCase humps: dbPassword, _authToken, apiKey.
    String separated = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    List<String> words =
        Arrays.stream(separated.split("[^A-Z0-9]+")).filter(w -> !w.isEmpty()).toList();
    if (words.isEmpty()) {
      return false;
    }
    String last = words.get(words.size() - 1);
    if (NON_SECRET_LAST_WORDS.contains(last)) {
      return false;
    }
    for (String w : words) {
      if (PUBLIC_KEY_WORDS.contains(w)) {
        return false;
      }
    }
    for (String w : words) {
      if (SECRET_WORDS.contains(w)) {
        return true;
      }
    }
    // API_KEY, APP_KEY, ENCRYPTION_KEY, AWS_SECRET_ACCESS_KEY (GPG_KEY is out above).
    return last.equals("KEY") || last.equals("KEYS");
  }

  /**
   * True when a value is a literal that could be a secret: not empty, not a reference to another
   * variable or a command substitution, not a path to a file holding the secret, not a boolean
   * switch.
   */
  static boolean isLiteralValue(String value) {
    String v = value.strip();
    if (v.length() >= 2
        && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      v = v.substring(1, v.length() - 1).strip();
    }
    return !v.isEmpty()
        && !v.startsWith("$")
        && !v.startsWith("/")
        && !NOT_SECRET_VALUES.contains(v.toLowerCase(Locale.ROOT));
  }
}
