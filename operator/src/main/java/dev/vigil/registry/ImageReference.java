package dev.vigil.registry;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A container image reference normalised the way Docker and the kubelet do it: "nginx"
 * becomes "docker.io/library/nginx:latest", "user/app" becomes "docker.io/user/app:latest",
 * and the first path segment names a registry only when it contains "." or ":" or is
 * "localhost" (or is not lower case). A reference may carry a tag, a digest or both.
 */
public final class ImageReference {

  private static final String DEFAULT_TAG = "latest";
  private static final String OFFICIAL_PREFIX = "library/";
  private static final int NAME_MAX_LENGTH = 255;

  // The grammar of distribution's reference package, written out as Java regular expressions.
  private static final String ALPHANUMERIC = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String PATH_COMPONENT =
      ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
  private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*";
  private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
  private static final String DOMAIN_AND_PORT = "(?:" + DOMAIN_NAME + "|" + IPV6 + ")(?::[0-9]+)?";

  private static final Pattern DOMAIN = Pattern.compile(DOMAIN_AND_PORT);
  private static final Pattern PATH = Pattern.compile(REMOTE_NAME);
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST_SHAPE =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

  private final String registry;
  private final String repository;
  private final String tag;
  private final String digest;

  private ImageReference(String registry, String repository, String tag, String digest) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }

  /**
   * Parses and normalises a reference as written in a pod spec.
   *
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  public static ImageReference parse(String reference) {
    if (reference == null || reference.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference: empty");
    }
    if (IDENTIFIER.matcher(reference).matches()) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference
              + "\": cannot specify 64-byte hexadecimal strings as a repository name");
    }
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      validateDigest(reference, digest);
    }

    // Split off the registry first: a ':' before the first '/' belongs to a port, not a tag.
    String registry;
    String remainder;
    int slash = rest.indexOf('/');
    if (slash < 0) {
      registry = RegistryHosts.DOCKER_HUB;
      remainder = OFFICIAL_PREFIX + rest;
    } else {
      String first = rest.substring(0, slash);
      String after = rest.substring(slash + 1);
      if (first.equals("localhost")) {
        registry = first;
        remainder = after;
      } else if (first.equals("index.docker.io")) {
        registry = RegistryHosts.DOCKER_HUB;
        remainder = after;
      } else if (first.contains(".") || first.contains(":")
          || !first.toLowerCase(Locale.ROOT).equals(first)) {
        registry = first;
        remainder = after;
      } else {
        registry = RegistryHosts.DOCKER_HUB;
        remainder = rest;
      }
      if (registry.equals(RegistryHosts.DOCKER_HUB) && remainder.indexOf('/') < 0) {
        remainder = OFFICIAL_PREFIX + remainder;
      }
    }

    String path = remainder;
    String tag = null;
    int colon = remainder.lastIndexOf(':');
    if (colon >= 0) {
      path = remainder.substring(0, colon);
      tag = remainder.substring(colon + 1);
    }

    if (!path.toLowerCase(Locale.ROOT).equals(path)) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": repository name (" + path
              + ") must be lowercase");
    }
    if (path.isEmpty() || path.startsWith(OFFICIAL_PREFIX) && path.length() == OFFICIAL_PREFIX.length()) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": repository name is empty");
    }
    if (!DOMAIN.matcher(registry).matches()) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": \"" + registry
              + "\" is not a valid registry host[:port]");
    }
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": repository name \"" + path
              + "\" may only contain lower-case letters, digits and separators (. _ __ -) "
              + "between path components");
    }
    if (registry.length() + 1 + path.length() > NAME_MAX_LENGTH) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": repository name must not be more than "
              + NAME_MAX_LENGTH + " characters");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": tag \"" + tag
              + "\" must be 1-128 characters of letters, digits, '_', '.', '-', not starting with '.' or '-'");
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(registry, path, tag, digest);
  }

  private static void validateDigest(String reference, String digest) {
    if (!DIGEST_SHAPE.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": invalid digest format \"" + digest + "\"");
    }
    try {
      Digest.parse(digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": " + e.getMessage(), e);
    }
  }

  /** True for a registry name such as "ghcr.io", "localhost:5000" or "[::1]:5000". */
  static boolean isValidRegistry(String registry) {
    return registry != null && DOMAIN.matcher(registry).matches();
  }

  /** True for a repository path such as "library/nginx" (lower case, valid separators). */
  static boolean isValidRepositoryName(String name) {
    return name != null && name.length() <= NAME_MAX_LENGTH && PATH.matcher(name).matches();
  }

  /** True for a tag such as "1.25-alpine". */
  static boolean isValidTag(String tag) {
    return tag != null && TAG.matcher(tag).matches();
  }

  /** A reference from parts that are already normalised (registry as in canonical form). */
  public static ImageReference of(Repository repository, String tag, String digest) {
    StringBuilder text = new StringBuilder(repository.toString());
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    ImageReference parsed = parse(text.toString());
    if (!parsed.registry.equals(repository.registry())
        || !parsed.repository.equals(repository.name())) {
      throw new IllegalArgumentException(
          "repository " + repository + " is not in normalised form (normalises to "
              + parsed.registry + "/" + parsed.repository + ")");
    }
    return parsed;
  }

  /** Registry name as in the canonical form, e.g. "docker.io" or "localhost:5000". */
  public String registry() {
    return registry;
  }

  /** Repository path on the registry, e.g. "library/nginx". */
  public String repository() {
    return repository;
  }

  /** The tag, or null when the reference names only a digest. */
  public String tag() {
    return tag;
  }

  /** The digest ("sha256:..."), or null when the reference names only a tag. */
  public String digest() {
    return digest;
  }

  public boolean hasDigest() {
    return digest != null;
  }

  /** The repository this reference points into. */
  public Repository toRepository() {
    return new Repository(registry, repository);
  }

  /** What to ask the registry's manifest endpoint for: the digest if known, else the tag. */
  public String manifestReference() {
    return digest != null ? digest : tag;
  }

  /** The same repository and tag, pinned to a digest. */
  public ImageReference withDigest(String newDigest) {
    validateDigest(canonical(), newDigest);
    return new ImageReference(registry, repository, tag, newDigest);
  }

  /** The same repository with another tag and no digest. */
  public ImageReference withTag(String newTag) {
    if (!TAG.matcher(newTag).matches()) {
      throw new IllegalArgumentException("invalid tag \"" + newTag + "\"");
    }
    return new ImageReference(registry, repository, newTag, null);
  }

  /** Fully qualified: "docker.io/library/nginx:latest", "ghcr.io/a/b:1@sha256:...". */
  public String canonical() {
    return suffixed(registry + "/" + repository);
  }

  /**
   * Short form as Docker shows it: Docker Hub's domain and "library/" are dropped, so
   * "docker.io/library/nginx:latest" reads "nginx:latest".
   */
  public String familiar() {
    String name;
    if (registry.equals(RegistryHosts.DOCKER_HUB)) {
      name = repository;
      if (name.startsWith(OFFICIAL_PREFIX)
          && name.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
        name = name.substring(OFFICIAL_PREFIX.length());
      }
    } else {
      name = registry + "/" + repository;
    }
    return suffixed(name);
  }

  private String suffixed(String name) {
    StringBuilder s = new StringBuilder(name);
    if (tag != null) {
      s.append(':').append(tag);
    }
    if (digest != null) {
      s.append('@').append(digest);
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageReference r
        && registry.equals(r.registry)
        && repository.equals(r.repository)
        && Objects.equals(tag, r.tag)
        && Objects.equals(digest, r.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(registry, repository, tag, digest);
  }

  @Override
  public String toString() {
    return canonical();
  }
}
