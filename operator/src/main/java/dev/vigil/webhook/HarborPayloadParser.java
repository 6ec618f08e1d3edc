package dev.vigil.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Harbor webhooks in the "Default" payload format: {@code type} PUSH_ARTIFACT (Harbor 2) or
 * pushImage (Harbor 1), {@code event_data.repository.repo_full_name} ("project/repo") and one
 * {@code event_data.resources[]} entry per pushed reference with {@code tag}, {@code digest} and
 * {@code resource_url}.
 *
 * <p>Harbor builds {@code resource_url} as "&lt;external
 * host&gt;/&lt;repo_full_name&gt;:&lt;tag&gt;" (or "@&lt;digest&gt;" for a push by digest, in which
 * case {@code tag} holds the digest too). The registry host is what precedes the repository in that
 * URL; a URL that does not end in the repository, or whose tag contradicts {@code tag}, is refused
 * rather than guessed at. A URL without a host part names Docker Hub, as it would in an image
 * reference.
 */
final class HarborPayloadParser implements PayloadParser {

  private static final Set<String> PUSH_TYPES = Set.of("PUSH_ARTIFACT", "pushImage");
  private static final Pattern DIGEST_LIKE = Pattern.compile("[a-z0-9]+:[0-9a-f]+");

  @Override
  public List<PushEvent> parse(byte[] body, Instant receivedAt) throws WebhookPayloadException {
    PayloadNode root = PayloadNode.parseObject(body);
    if (!PUSH_TYPES.contains(root.text("type"))) {
      return List.of();
    }
    PayloadNode data = root.object("event_data");
    String repository = data.object("repository").text("repo_full_name");
    List<PushEvent> pushes = new ArrayList<>();
    for (PayloadNode resource : data.objects("resources")) {
      pushes.add(push(resource, repository, receivedAt));
    }
    return pushes;
  }

  private static PushEvent push(PayloadNode resource, String repository, Instant receivedAt)
      throws WebhookPayloadException {
    String url = resource.text("resource_url");
    String digest = resource.optionalText("digest");
    String tag = resource.optionalText("tag");
    if (tag != null && DIGEST_LIKE.matcher(tag).matches()) {
      // A push by digest: Harbor repeats the digest in the tag field.
      if (digest != null && !digest.equals(tag)) {
        throw new WebhookPayloadException(
            resource.path()
                + ": tag \""
                + tag
                + "\" is a digest other than digest \""
                + digest
                + "\"");
      }
      digest = tag;
      tag = null;
    }

    String name = url;
    String urlTag = null;
    String urlDigest = null;
    int at = name.indexOf('@');
    if (at >= 0) {
      urlDigest = name.substring(at + 1);
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      urlTag = name.substring(colon + 1);
      name = name.substring(0, colon);
    }
    String host;
    if (name.equals(repository)) {
      host = null;
    } else if (name.endsWith("/" + repository)) {
      host = name.substring(0, name.length() - repository.length() - 1);
    } else {
      throw new WebhookPayloadException(
          resource.childPath("resource_url")
              + ": \""
              + url
              + "\" does not name repository \""
              + repository
              + "\"");
    }
    tag = agree(resource, "tag", tag, urlTag, url);
    digest = agree(resource, "digest", digest, urlDigest, url);
    return PushEventFactory.create(
        host, repository, tag, digest, WebhookFormat.HARBOR, receivedAt, resource.path());
  }

  /**
   * The field's value, or the URL's when the field is absent; both must agree if both are given.
   */
  private static String agree(
      PayloadNode resource, String what, String field, String fromUrl, String url)
      throws WebhookPayloadException {
    if (field != null && fromUrl != null && !field.equals(fromUrl)) {
      throw new WebhookPayloadException(
          resource.path()
              + ": "
              + what
              + " \""
              + field
              + "\" contradicts resource_url \""
              + url
              + "\"");
    }
    return field != null ? field : fromUrl;
  }
}
