package dev.vigil.webhook;

import dev.vigil.registry.RegistryHosts;
import java.time.Instant;
import java.util.List;

/**
 * Docker Hub repository webhooks: {@code push_data.tag} and {@code repository.repo_name}
 * ("owner/name"; official images as "library/name" or plain "name"). The registry is always
 * docker.io, and Docker Hub does not say which digest the tag now points at.
 */
final class DockerHubPayloadParser implements PayloadParser {

  @Override
  public List<PushEvent> parse(byte[] body, Instant receivedAt) throws WebhookPayloadException {
    PayloadNode root = PayloadNode.parseObject(body);
    String tag = root.object("push_data").text("tag");
    String repository = root.object("repository").text("repo_name");
    return List.of(
        PushEventFactory.create(
            RegistryHosts.DOCKER_HUB,
            repository,
            tag,
            null,
            WebhookFormat.DOCKER_HUB,
            receivedAt,
            "repository.repo_name"));
  }
}
