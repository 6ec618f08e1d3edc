package dev.vigil.webhook;

import dev.vigil.registry.ImageReference;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * GitHub {@code package} and {@code registry_package} events for container packages. Tag and digest
 * come from {@code package_version.container_metadata.tag}; older payloads without container
 * metadata carry the tag (or, for untagged versions, the digest) in {@code
 * package_version.version}. The image is {@code package_version.package_url} when GitHub sends it
 * (which also covers GitHub Enterprise hosts), else ghcr.io/&lt;namespace or owner
 * login&gt;/&lt;package name&gt; in lower case, as ghcr.io names it. GitHub's {@code ping} on hook
 * creation, and packages of other ecosystems (npm, maven, ...), give no events.
 */
final class GitHubPayloadParser implements PayloadParser {

  /** GitHub's container registry. */
  static final String GHCR = "ghcr.io";

  // "docker" is what the old docker.pkg.github.com registry called container packages.
  private static final Set<String> CONTAINER_TYPES = Set.of("container", "docker");
  private static final Pattern DIGEST_LIKE = Pattern.compile("[a-z0-9]+:[0-9a-f]+");

  @Override
  public List<PushEvent> parse(byte[] body, Instant receivedAt) throws WebhookPayloadException {
    PayloadNode root = PayloadNode.parseObject(body);
    PayloadNode pkg = root.optionalObject("registry_package");
    if (pkg == null) {
      pkg = root.optionalObject("package");
    }
    if (pkg == null) {
      if (root.has("zen") && root.has("hook_id")) {
        return List.of();
      }
      throw new WebhookPayloadException(
          "neither \"package\" nor \"registry_package\": send only package events to this hook");
    }
    String type = pkg.optionalText("package_type");
    if (type == null) {
      type = pkg.optionalText("ecosystem");
    }
    if (type == null) {
      throw new WebhookPayloadException(pkg.path() + ": neither package_type nor ecosystem given");
    }
    if (!CONTAINER_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      return List.of();
    }

    PayloadNode version = pkg.object("package_version");
    String tag = null;
    String digest = null;
    PayloadNode metadata = version.optionalObject("container_metadata");
    if (metadata != null) {
      PayloadNode tagNode = metadata.optionalObject("tag");
      if (tagNode != null) {
        tag = tagNode.optionalText("name");
        digest = tagNode.optionalText("digest");
      }
    }
    String versionName = version.optionalText("version");
    if (versionName != null) {
      if (DIGEST_LIKE.matcher(versionName).matches()) {
        digest = digest == null ? versionName : digest;
      } else if (tag == null) {
        tag = versionName;
      }
    }

    String host;
    String repository;
    String packageUrl = version.optionalText("package_url");
    if (packageUrl != null) {
      ImageReference reference;
      try {
        reference = ImageReference.parse(packageUrl);
      } catch (IllegalArgumentException e) {
        throw new WebhookPayloadException(
            version.childPath("package_url") + ": " + e.getMessage(), e);
      }
      host = reference.registry();
      repository = reference.repository();
    } else {
      String namespace = pkg.optionalText("namespace");
      if (namespace == null) {
        namespace = pkg.object("owner").text("login");
      }
      host = GHCR;
      repository = (namespace + "/" + pkg.text("name")).toLowerCase(Locale.ROOT);
    }
    return List.of(
        PushEventFactory.create(
            host, repository, tag, digest, WebhookFormat.GITHUB, receivedAt, version.path()));
  }
}
