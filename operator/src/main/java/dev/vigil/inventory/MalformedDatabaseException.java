package dev.vigil.inventory;

/** A package database or one of its entries does not have the structure its format requires. */
public class MalformedDatabaseException extends RuntimeException {

  public MalformedDatabaseException(String message) {
    super(message);
  }

  public MalformedDatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
