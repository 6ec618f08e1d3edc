package dev.vigil.registry;

import java.io.IOException;

/**
 * A registry operation failed. The message names the registry, the repository (when there
 * is one), what was being done and the HTTP status (when there was one); {@link #kind()}
 * tells callers what went wrong without parsing the message.
 *
 * <p>It is an {@link IOException} because blob streams must report digest mismatches and
 * truncation from inside {@code read()}.
 */
public class RegistryException extends IOException {

  /** What went wrong, for callers that react differently. */
  public enum Kind {
    /** The registry does not have the repository, manifest, tag or blob (404). */
    NOT_FOUND,
    /** No credential was accepted (401/403 after trying all of them). */
    UNAUTHORIZED,
    /** A response was larger than the configured limit. */
    TOO_LARGE,
    /** Content did not hash to the digest it was requested by or described with. */
    DIGEST_MISMATCH,
    /** The registry answered with something this client deliberately does not handle. */
    UNSUPPORTED,
    /** The response could not be parsed or broke the distribution protocol. */
    MALFORMED,
    /** Network errors, timeouts, 429 or 5xx persisted through all retries. */
    UNAVAILABLE,
    /** Any other failure (unexpected status, refused redirect, bad configuration). */
    FAILED
  }

  private final Kind kind;
  private final String registry;
  private final String repository;
  private final int status;

  /**
   * @param kind what went wrong
   * @param registry registry host (as in the reference), never null
   * @param repository repository name, null for registry-wide operations
   * @param operation what was being done, e.g. "fetch manifest sha256:..."
   * @param detail what failed
   * @param status HTTP status code, or -1 when no response was received
   * @param cause underlying exception, may be null
   */
  public RegistryException(
      Kind kind,
      String registry,
      String repository,
      String operation,
      String detail,
      int status,
      Throwable cause) {
    super(format(registry, repository, operation, detail, status), cause);
    this.kind = kind;
    this.registry = registry;
    this.repository = repository;
    this.status = status;
  }

  public RegistryException(
      Kind kind, String registry, String repository, String operation, String detail, int status) {
    this(kind, registry, repository, operation, detail, status, null);
  }

  private static String format(
      String registry, String repository, String operation, String detail, int status) {
    StringBuilder s = new StringBuilder();
    s.append(operation).append(" on ").append(registry);
    if (repository != null) {
      s.append('/').append(repository);
    }
    s.append(" failed: ").append(detail);
    if (status >= 0) {
      s.append(" (HTTP ").append(status).append(')');
    }
    return s.toString();
  }

  public Kind kind() {
    return kind;
  }

  public String registry() {
    return registry;
  }

  /** The repository, or null for registry-wide operations. */
  public String repository() {
    return repository;
  }

  /** The HTTP status code, or -1 when no response was received. */
  public int status() {
    return status;
  }
}
