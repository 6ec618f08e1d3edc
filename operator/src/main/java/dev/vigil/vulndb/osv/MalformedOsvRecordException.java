package dev.vigil.vulndb.osv;

/** A document that is not a usable OSV record; the message says why. */
public class MalformedOsvRecordException extends Exception {
  public MalformedOsvRecordException(String message) {
    super(message);
  }

  public MalformedOsvRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
