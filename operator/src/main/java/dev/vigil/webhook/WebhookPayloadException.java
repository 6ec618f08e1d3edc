package dev.vigil.webhook;

/** A webhook body that is not valid JSON or does not have the shape its format requires. */
public final class WebhookPayloadException extends Exception {

  private static final long serialVersionUID = 1L;

  public WebhookPayloadException(String message) {
    super(message);
  }

  public WebhookPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
