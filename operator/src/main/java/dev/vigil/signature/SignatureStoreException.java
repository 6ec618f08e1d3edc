package dev.vigil.signature;

/** Signatures could not be fetched: the registry failed, refused or answered malformed data. */
public class SignatureStoreException extends Exception {
  public SignatureStoreException(String message) {
    super(message);
  }

  public SignatureStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
