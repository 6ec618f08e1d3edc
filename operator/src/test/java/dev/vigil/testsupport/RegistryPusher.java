package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.registry.Digest;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.MediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Pushes test images to a registry over the distribution API: blobs by monolithic upload (POST
 * then PUT with the digest, skipped when HEAD finds the blob), manifests by PUT with their
 * media type. Test code only; Vigil itself never pushes.
 */
public final class RegistryPusher {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Function<String, String> authorization;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param base registry base URI, e.g. http://127.0.0.1:5000
   * @param authorization repository name → Authorization header value, or null for none
   */
  public RegistryPusher(URI base, Function<String, String> authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  /** Pushes layers, config and manifest, tagging the manifest. */
  public PushedImage push(String repository, String tag, TestImage image) {
    pushBlobs(repository, image);
    String digest = pushManifest(repository, tag, image.manifest(), image.manifestMediaType());
    return new PushedImage(
        reference(repository, tag), digest, image.configDigest(), image.layerDigests(),
        List.of(digest));
  }

  /** Pushes every image of an index by digest, then the index under the tag. */
  public PushedImage push(String repository, String tag, TestIndex index) {
    List<String> children = new ArrayList<>();
    for (TestImage image : index.images()) {
      pushBlobs(repository, image);
      children.add(
          pushManifest(repository, image.manifestDigest(), image.manifest(), image.manifestMediaType()));
    }
    String digest = pushManifest(repository, tag, index.content(), index.mediaType());
    return new PushedImage(reference(repository, tag), digest, null, List.of(), List.copyOf(children));
  }

  /**
   * Pushes an artifact by digest and, as OCI 1.1 clients do for registries without the
   * referrers API, adds it to the index tagged "sha256-&lt;hex of subject&gt;".
   */
  public String pushReferrer(String repository, TestArtifact artifact) {
    for (byte[] blob : artifact.blobs()) {
      pushBlob(repository, blob);
    }
    String digest =
        pushManifest(repository, artifact.digest(), artifact.manifest(), MediaTypes.OCI_MANIFEST);
    String fallbackTag = artifact.subjectDigest().replace(':', '-');
    ObjectNode index = existingIndex(repository, fallbackTag);
    ArrayNode manifests = (ArrayNode) index.get("manifests");
    ObjectNode entry = manifests.addObject();
    entry.put("mediaType", MediaTypes.OCI_MANIFEST);
    entry.put("digest", digest);
    entry.put("size", artifact.manifest().length);
    entry.put("artifactType", artifact.artifactType());
    if (!artifact.annotations().isEmpty()) {
      ObjectNode annotations = entry.putObject("annotations");
      artifact.annotations().forEach(annotations::put);
    }
    pushManifest(repository, fallbackTag, TestImage.Builder.write(index), MediaTypes.OCI_INDEX);
    return digest;
  }

  private ObjectNode existingIndex(String repository, String tag) {
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Accept", MediaTypes.OCI_INDEX)
                .GET());
    if (response.statusCode() == 404) {
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      index.putArray("manifests");
      return index;
    }
    expect(response, 200, "fetch referrers index " + tag);
    try {
      JsonNode node = JSON.readTree(response.body());
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pushBlobs(String repository, TestImage image) {
    for (TestLayer layer : image.layers()) {
      pushBlob(repository, layer.blob());
    }
    pushBlob(repository, image.config());
  }

  /** Uploads a blob unless the registry already has it; returns its digest. */
  public String pushBlob(String repository, byte[] content) {
    String digest = Digest.sha256(content).toString();
    HttpResponse<byte[]> head =
        send(
            repository,
            HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    if (head.statusCode() == 200) {
      return digest;
    }
    HttpResponse<byte[]> start =
        send(
            repository,
            HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    expect(start, 202, "start blob upload");
    String location =
        start.headers().firstValue("Location").orElseThrow(
            () -> new IllegalStateException("blob upload answered without Location"));
    URI upload = base.resolve(location);
    String separator = upload.getRawQuery() == null ? "?" : "&";
    URI put = URI.create(upload + separator + "digest=" + digest);
    HttpResponse<byte[]> done =
        send(
            repository,
            HttpRequest.newBuilder(put)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
    expect(done, 201, "finish blob upload " + digest);
    return digest;
  }

  /** PUTs a manifest under a tag or its digest; returns the digest the registry reports. */
  public String pushManifest(String repository, String reference, byte[] content, String mediaType) {
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
    expect(response, 201, "push manifest " + reference);
    String expected = Digest.sha256(content).toString();
    String reported = response.headers().firstValue("Docker-Content-Digest").orElse(expected);
    if (!reported.equals(expected)) {
      throw new IllegalStateException(
          "registry stored manifest as " + reported + " but its content hashes to " + expected);
    }
    return expected;
  }

  /** Deletes a manifest by digest. */
  public void deleteManifest(String repository, String digest) {
    HttpResponse<byte[]> response =
        send(
            repository,
            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + digest)).DELETE());
    expect(response, 202, "delete manifest " + digest);
  }

  private ImageReference reference(String repository, String tag) {
    return ImageReference.parse(base.getRawAuthority() + "/" + repository + ":" + tag);
  }

  private URI uri(String path) {
    return base.resolve(path);
  }

  private HttpResponse<byte[]> send(String repository, HttpRequest.Builder request) {
    String auth = authorization.apply(repository);
    if (auth != null) {
      request.header("Authorization", auth);
    }
    try {
      return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void expect(HttpResponse<byte[]> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          what + ": " + response.request().method() + " " + response.request().uri() + " answered "
              + response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8));
    }
  }
}
