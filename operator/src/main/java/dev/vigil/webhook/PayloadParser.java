package dev.vigil.webhook;

import java.time.Instant;
import java.util.List;

/** Reads one webhook format's request body into the pushes it reports. */
@FunctionalInterface
interface PayloadParser {

  /**
   * @param body the raw request body
   * @param receivedAt stamped on every event
   * @return the manifest pushes in the body, in order; empty when it reports something else (a
   *     pull, a delete, a blob upload, a ping)
   * @throws WebhookPayloadException when the body is not JSON or lacks what its format requires
   */
  List<PushEvent> parse(byte[] body, Instant receivedAt) throws WebhookPayloadException;
}
