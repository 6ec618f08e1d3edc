package dev.vigil.vulndb;

/** A snapshot could not be built at all; the message says why. */
public class VulnDbLoadException extends Exception {
  public VulnDbLoadException(String message) {
    super(message);
  }

  public VulnDbLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
