package dev.vigil.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Quay "repository push" notifications: {@code repository} ("namespace/name"), {@code docker_url}
 * ("quay.io/namespace/name", or the host of a self-hosted Quay) and {@code updated_tags}, one event
 * per tag. Quay does not send digests.
 */
final class QuayPayloadParser implements PayloadParser {

  @Override
  public List<PushEvent> parse(byte[] body, Instant receivedAt) throws WebhookPayloadException {
    PayloadNode root = PayloadNode.parseObject(body);
    String repository = root.text("repository");
    String dockerUrl = root.text("docker_url");
    String suffix = "/" + repository;
    if (!dockerUrl.endsWith(suffix) || dockerUrl.length() == suffix.length()) {
      throw new WebhookPayloadException(
          "docker_url: \"" + dockerUrl + "\" is not <registry host>/" + repository);
    }
    String host = dockerUrl.substring(0, dockerUrl.length() - suffix.length());
    List<PushEvent> pushes = new ArrayList<>();
    List<String> tags = root.texts("updated_tags");
    for (int i = 0; i < tags.size(); i++) {
      pushes.add(
          PushEventFactory.create(
              host,
              repository,
              tags.get(i),
              null,
              WebhookFormat.QUAY,
              receivedAt,
              "updated_tags[" + i + "]"));
    }
    return pushes;
  }
}
