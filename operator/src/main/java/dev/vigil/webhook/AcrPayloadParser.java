package dev.vigil.webhook;

import java.time.Instant;
import java.util.List;

/**
 * Azure Container Registry webhooks: the body is a single distribution-shaped event ({@code
 * action}, {@code target} with repository/tag/digest, {@code request.host}), not an envelope. Only
 * {@code push} counts; {@code ping}, {@code delete}, {@code chart_push} and the rest are skipped.
 */
final class AcrPayloadParser implements PayloadParser {

  @Override
  public List<PushEvent> parse(byte[] body, Instant receivedAt) throws WebhookPayloadException {
    PushEvent push =
        DistributionPayloadParser.manifestPush(
            PayloadNode.parseObject(body), WebhookFormat.ACR, receivedAt);
    return push == null ? List.of() : List.of(push);
  }
}
