package dev.vigil.image;

/** An image config blob that is not valid JSON or does not have the shape the specs define. */
public class InvalidImageConfigException extends IllegalArgumentException {

  public InvalidImageConfigException(String message) {
    super(message);
  }

  public InvalidImageConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
