package dev.vigil.webhook;

import dev.vigil.registry.MediaTypes;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * CNCF distribution notifications: {@code {"events":[{"action":"push","target":{...},
 * "request":{"host":...}}, ...]}}. Only pushes of manifests count (a manifest or index media type,
 * or a tag in the target); layer uploads, pulls and deletes are skipped.
 */
final class DistributionPayloadParser implements PayloadParser {

  private static final String PUSH = "push";

  @Override
  public List<PushEvent> parse(byte[] body, Instant receivedAt) throws WebhookPayloadException {
    PayloadNode envelope = PayloadNode.parseObject(body);
    List<PushEvent> pushes = new ArrayList<>();
    for (PayloadNode event : envelope.objects("events")) {
      PushEvent push = manifestPush(event, WebhookFormat.DISTRIBUTION, receivedAt);
      if (push != null) {
        pushes.add(push);
      }
    }
    return pushes;
  }

  /**
   * One distribution-shaped event (also the whole body of an ACR webhook).
   *
   * @return the push, or null when the event is not a manifest push
   */
  static PushEvent manifestPush(PayloadNode event, WebhookFormat source, Instant receivedAt)
      throws WebhookPayloadException {
    if (!PUSH.equals(event.text("action"))) {
      return null;
    }
    PayloadNode target = event.object("target");
    String mediaType = target.optionalText("mediaType");
    String tag = target.optionalText("tag");
    boolean manifest =
        mediaType != null
            && (MediaTypes.isManifest(mediaType)
                || MediaTypes.isIndex(mediaType)
                || MediaTypes.isSchema1(mediaType));
    if (!manifest && tag == null) {
      return null;
    }
    String repository = target.text("repository");
    String digest = target.optionalText("digest");
    String host = registryHost(event, target);
    return PushEventFactory.create(
        host, repository, tag, digest, source, receivedAt, target.path());
  }

  /** The Host header the pushing client used, else the authority of the target URL. */
  private static String registryHost(PayloadNode event, PayloadNode target)
      throws WebhookPayloadException {
    PayloadNode request = event.optionalObject("request");
    String host = request == null ? null : request.optionalText("host");
    if (host != null) {
      return host;
    }
    String url = target.optionalText("url");
    if (url == null) {
      throw new WebhookPayloadException(
          event.path() + ": neither request.host nor target.url names the registry");
    }
    try {
      URI uri = new URI(url);
      String authority = uri.getRawAuthority();
      if (authority == null || uri.getRawUserInfo() != null) {
        throw new WebhookPayloadException(
            target.childPath("url") + ": expected http(s)://host[:port]/..., got \"" + url + "\"");
      }
      return authority;
    } catch (URISyntaxException e) {
      throw new WebhookPayloadException(
          target.childPath("url") + ": not a URL: " + e.getMessage(), e);
    }
  }
}
