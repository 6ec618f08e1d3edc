package dev.vigil.registry;

/**
 * A manifest document is malformed or of a kind this client does not handle. Carries the
 * {@link RegistryException.Kind} so the client can report it with registry context.
 */
public class ManifestFormatException extends IllegalArgumentException {

  private final RegistryException.Kind kind;

  public ManifestFormatException(RegistryException.Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ManifestFormatException(RegistryException.Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** MALFORMED or UNSUPPORTED. */
  public RegistryException.Kind kind() {
    return kind;
  }
}
