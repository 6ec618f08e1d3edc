package dev.vigil.scan;

/** A scan of one image could not finish; the message says what failed and where. */
public class ScanException extends Exception {

  /** What kind of failure, for status reasons and metrics. */
  public enum Kind {
    Registry,
    Image,
    Interrupted
  }

  private final Kind kind;

  public ScanException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
