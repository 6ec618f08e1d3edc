package dev.vigil.signature;

/** The trust material (a trusted root) could not be loaded or is malformed. */
public class TrustedRootException extends Exception {
  public TrustedRootException(String message, Throwable cause) {
    super(message, cause);
  }
}
