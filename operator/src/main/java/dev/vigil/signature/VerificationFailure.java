package dev.vigil.signature;

/**
 * A signature did not pass a check. The message is the reason shown to users, so it names the
 * check and the values involved.
 */
final class VerificationFailure extends Exception {
  VerificationFailure(String reason) {
    super(reason);
  }

  VerificationFailure(String reason, Throwable cause) {
    super(reason, cause);
  }
}
