package dev.vigil.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@link ImageSource} over the OCI distribution API (HTTP/1.1, {@link HttpTransport}):
 * anonymous, Basic and Bearer-token auth with credentials from image pull secrets, retries
 * with backoff, a per-registry concurrency limit, size limits, and digest verification of
 * everything fetched by digest.
 *
 * <p>Thread-safe. Create one per process and share it; {@link #withCredentials} makes views
 * for other pull secrets that share connections, limits and token cache.
 */
public final class RegistryClient implements ImageSource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_INDEX_DEPTH = 3;
  private static final int MAX_PAGES = 10_000;
  private static final long MAX_TAG_PAGE_BYTES = 16L << 20;

  /** What all credential views of one client share. */
  private static final class Shared {
    final RegistryClientConfig config;
    final Authenticator authenticator;

    Shared(RegistryClientConfig config) {
      this.config = config;
      this.authenticator = new Authenticator(new HttpExecutor(config, new HttpTransport(config)), config);
    }
  }

  private final Shared shared;
  private final RegistryClientConfig config;
  private final RegistryCredentials credentials;

  /**
   * @throws IllegalArgumentException when the configured CA bundle cannot be read
   */
  public RegistryClient(RegistryClientConfig config) {
    this(new Shared(config), config.credentials());
  }

  private RegistryClient(Shared shared, RegistryCredentials credentials) {
    this.shared = shared;
    this.config = shared.config;
    this.credentials = credentials;
  }

  @Override
  public ImageSource withCredentials(RegistryCredentials newCredentials) {
    return new RegistryClient(shared, newCredentials);
  }

  @Override
  public void ping(String registry) throws RegistryException {
    requireRegistry(registry);
    HttpExecutor.Call call =
        new HttpExecutor.Call(registry, null, "ping", "GET", uri(registry, "/v2/"), Map.of());
    HttpExecutor.Response response =
        shared.authenticator.send(call, null, credentials.lookup(registry));
    try (response) {
      if (response.status() == 200) {
        return;
      }
      if (response.status() == 404) {
        throw call.failure(
            RegistryException.Kind.FAILED,
            "no OCI distribution API at /v2/" + ResponseBodies.errorDetail(response),
            404);
      }
      throw unexpected(response);
    }
  }

  @Override
  public ResolvedImage resolve(ImageReference reference) throws RegistryException {
    return resolve(reference, config.defaultPlatform());
  }

  @Override
  public ResolvedImage resolve(ImageReference reference, Platform platform)
      throws RegistryException {
    Repository repository = reference.toRepository();
    RawManifest current = fetchManifest(repository, reference.manifestReference());
    String indexDigest = null;
    Platform chosen = null;
    for (int depth = 0; !MediaTypes.isManifest(current.mediaType()); depth++) {
      if (!MediaTypes.isIndex(current.mediaType())) {
        throw failure(
            RegistryException.Kind.UNSUPPORTED, repository, "resolve " + reference.familiar(),
            current.digest() + " has media type " + current.mediaType()
                + ", neither an image manifest nor an index");
      }
      if (depth >= MAX_INDEX_DEPTH) {
        throw failure(
            RegistryException.Kind.UNSUPPORTED, repository, "resolve " + reference.familiar(),
            "indexes nested more than " + MAX_INDEX_DEPTH + " deep");
      }
      ImageIndex index = parseIndex(repository, current);
      if (indexDigest == null) {
        indexDigest = current.digest();
      }
      Descriptor entry = selectEntry(repository, reference, index, current.digest(), platform);
      chosen = entry.platform();
      current = fetchManifest(repository, entry.digest());
    }
    ImageManifest manifest = parseManifest(repository, current);
    return new ResolvedImage(reference, indexDigest, chosen, current, manifest);
  }

  @Override
  public DigestResolution headDigest(ImageReference reference) throws RegistryException {
    return headDigest(reference, config.defaultPlatform());
  }

  @Override
  public DigestResolution headDigest(ImageReference reference, Platform platform)
      throws RegistryException {
    Repository repository = reference.toRepository();
    String ref = reference.manifestReference();
    HttpExecutor.Call call =
        call(repository, "HEAD manifest " + ref, "HEAD", "/manifests/" + ref,
            Map.of("Accept", MediaTypes.MANIFEST_ACCEPT));
    String digest = null;
    String mediaType = null;
    try (HttpExecutor.Response response = send(call, repository)) {
      if (response.status() == 404) {
        throw call.failure(RegistryException.Kind.NOT_FOUND, "manifest " + ref + " not found", 404);
      }
      if (response.status() == 200) {
        digest = response.header("Docker-Content-Digest").orElse(null);
        mediaType = response.header("Content-Type").map(ManifestParser::stripParameters).orElse(null);
      }
    }
    if (digest != null && mediaType != null && isDigest(digest)
        && (MediaTypes.isManifest(mediaType) || MediaTypes.isIndex(mediaType))) {
      if (reference.hasDigest() && !digest.equals(reference.digest())) {
        throw call.failure(
            RegistryException.Kind.DIGEST_MISMATCH,
            "registry reports digest " + digest + " for a manifest requested by digest "
                + reference.digest(),
            200);
      }
      if (MediaTypes.isManifest(mediaType)) {
        return new DigestResolution(digest, mediaType, digest);
      }
      return fromIndex(repository, reference, fetchManifest(repository, digest), platform);
    }
    // No usable HEAD answer (missing digest header, HEAD not allowed): GET and hash it ourselves.
    RawManifest raw = fetchManifest(repository, ref);
    if (MediaTypes.isManifest(raw.mediaType())) {
      return new DigestResolution(raw.digest(), raw.mediaType(), raw.digest());
    }
    if (MediaTypes.isIndex(raw.mediaType())) {
      return fromIndex(repository, reference, raw, platform);
    }
    throw failure(
        RegistryException.Kind.UNSUPPORTED, repository, "resolve digest of " + reference.familiar(),
        "media type " + raw.mediaType() + " is neither an image manifest nor an index");
  }

  private DigestResolution fromIndex(
      Repository repository, ImageReference reference, RawManifest raw, Platform platform)
      throws RegistryException {
    ImageIndex index = parseIndex(repository, raw);
    Descriptor entry = selectEntry(repository, reference, index, raw.digest(), platform);
    return new DigestResolution(raw.digest(), raw.mediaType(), entry.digest());
  }

  private Descriptor selectEntry(
      Repository repository, ImageReference reference, ImageIndex index, String indexDigest,
      Platform platform)
      throws RegistryException {
    return index
        .select(platform)
        .orElseThrow(
            () ->
                failure(
                    RegistryException.Kind.NOT_FOUND, repository, "resolve " + reference.familiar(),
                    "index " + indexDigest + " has no image for platform " + platform
                        + " (it lists: " + index.platforms() + ")"));
  }

  @Override
  public RawManifest fetchManifest(Repository repository, String reference)
      throws RegistryException {
    requireRepository(repository);
    Digest expected = parseManifestReference(reference);
    HttpExecutor.Call call =
        call(repository, "fetch manifest " + reference, "GET", "/manifests/" + reference,
            Map.of("Accept", MediaTypes.MANIFEST_ACCEPT));
    HttpExecutor.Response response = send(call, repository);
    if (response.status() == 404) {
      throw call.failure(
          RegistryException.Kind.NOT_FOUND,
          "manifest " + reference + " not found" + ResponseBodies.errorDetail(response), 404);
    }
    if (response.status() != 200) {
      throw unexpected(response);
    }
    String contentType = response.header("Content-Type").orElse(null);
    String announced = response.header("Docker-Content-Digest").orElse(null);
    byte[] content =
        ResponseBodies.readBounded(response, config.maxManifestBytes(), config.requestTimeout(), "manifest");
    String mediaType;
    try {
      mediaType = ManifestParser.mediaType(content, contentType);
    } catch (ManifestFormatException e) {
      throw call.failure(e.kind(), e.getMessage(), 200, e);
    }
    Digest actual = expected != null ? expected.recompute(content) : Digest.sha256(content);
    if (expected != null && !actual.equals(expected)) {
      throw call.failure(
          RegistryException.Kind.DIGEST_MISMATCH,
          "manifest content hashes to " + actual + ", not the requested " + expected, 200);
    }
    if (expected == null && announced != null && isDigest(announced)) {
      Digest claimed = Digest.parse(announced);
      if (!claimed.recompute(content).equals(claimed)) {
        throw call.failure(
            RegistryException.Kind.DIGEST_MISMATCH,
            "registry announces digest " + claimed + " but the manifest hashes to "
                + claimed.recompute(content), 200);
      }
    }
    return new RawManifest(actual.toString(), mediaType, content);
  }

  @Override
  public InputStream openBlob(Repository repository, String digest) throws RegistryException {
    return openBlob(repository, digest, -1);
  }

  @Override
  public InputStream openBlob(Repository repository, Descriptor descriptor)
      throws RegistryException {
    return openBlob(repository, descriptor.digest(), descriptor.size());
  }

  private InputStream openBlob(Repository repository, String digest, long size)
      throws RegistryException {
    requireRepository(repository);
    Digest expected = parseDigest(digest);
    HttpExecutor.Call call =
        call(repository, "fetch blob " + digest, "GET", "/blobs/" + digest, Map.of());
    HttpExecutor.Response response = send(call, repository);
    if (response.status() == 404) {
      throw call.failure(
          RegistryException.Kind.NOT_FOUND,
          "blob " + digest + " not found" + ResponseBodies.errorDetail(response), 404);
    }
    if (response.status() != 200) {
      throw unexpected(response);
    }
    OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
    if (size >= 0 && announced.isPresent() && announced.getAsLong() != size) {
      response.close();
      throw call.failure(
          RegistryException.Kind.DIGEST_MISMATCH,
          "registry announces " + announced.getAsLong() + " bytes for blob " + digest
              + ", its descriptor says " + size, 200);
    }
    return new DigestVerifyingInputStream(
        response.body(), expected, size, repository.registry(), repository.name());
  }

  @Override
  public byte[] fetchBlob(Repository repository, String digest, long maxBytes)
      throws RegistryException {
    requireRepository(repository);
    Digest expected = parseDigest(digest);
    HttpExecutor.Call call =
        call(repository, "fetch blob " + digest, "GET", "/blobs/" + digest, Map.of());
    HttpExecutor.Response response = send(call, repository);
    if (response.status() == 404) {
      throw call.failure(
          RegistryException.Kind.NOT_FOUND,
          "blob " + digest + " not found" + ResponseBodies.errorDetail(response), 404);
    }
    if (response.status() != 200) {
      throw unexpected(response);
    }
    byte[] content = ResponseBodies.readBounded(response, maxBytes, config.requestTimeout(), "blob " + digest);
    Digest actual = expected.recompute(content);
    if (!actual.equals(expected)) {
      throw call.failure(
          RegistryException.Kind.DIGEST_MISMATCH,
          "blob content (" + content.length + " bytes) hashes to " + actual + ", expected " + expected,
          200);
    }
    return content;
  }

  @Override
  public byte[] fetchConfig(Repository repository, Descriptor descriptor) throws RegistryException {
    if (descriptor.size() > config.maxConfigBytes()) {
      throw failure(
          RegistryException.Kind.TOO_LARGE, repository, "fetch config " + descriptor.digest(),
          "config of " + descriptor.size() + " bytes exceeds the limit of "
              + config.maxConfigBytes() + " bytes");
    }
    byte[] content = fetchBlob(repository, descriptor.digest(), config.maxConfigBytes());
    if (content.length != descriptor.size()) {
      throw failure(
          RegistryException.Kind.DIGEST_MISMATCH, repository, "fetch config " + descriptor.digest(),
          "config is " + content.length + " bytes, its descriptor says " + descriptor.size());
    }
    return content;
  }

  @Override
  public List<String> listTags(Repository repository) throws RegistryException {
    requireRepository(repository);
    String path = "/tags/list" + (config.tagPageSize() > 0 ? "?n=" + config.tagPageSize() : "");
    List<String> tags = new ArrayList<>();
    for (JsonNode page : pages(repository, "list tags", path, "application/json", MAX_TAG_PAGE_BYTES)) {
      JsonNode list = page.get("tags");
      if (list == null || list.isNull()) {
        continue;
      }
      if (!list.isArray()) {
        throw failure(RegistryException.Kind.MALFORMED, repository, "list tags", "\"tags\" is not an array");
      }
      for (JsonNode tag : list) {
        if (!tag.isTextual()) {
          throw failure(RegistryException.Kind.MALFORMED, repository, "list tags", "a tag is not a string: " + tag);
        }
        tags.add(tag.asText());
      }
    }
    return List.copyOf(tags);
  }

  @Override
  public List<Descriptor> referrers(Repository repository, String digest, String artifactType)
      throws RegistryException {
    requireRepository(repository);
    Digest subject = parseDigest(digest);
    String operation = "fetch referrers of " + digest;
    String path =
        "/referrers/" + digest
            + (artifactType == null ? "" : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8));
    List<Descriptor> found = new ArrayList<>();
    List<JsonNode> pages;
    try {
      pages = pages(repository, operation, path, MediaTypes.OCI_INDEX, config.maxManifestBytes());
    } catch (RegistryException e) {
      if (e.kind() != RegistryException.Kind.NOT_FOUND) {
        throw e;
      }
      return referrersFromTag(repository, subject, artifactType);
    }
    for (JsonNode page : pages) {
      ImageIndex index;
      try {
        index = ManifestParser.parseIndex(JSON.writeValueAsBytes(page), MediaTypes.OCI_INDEX);
      } catch (ManifestFormatException e) {
        throw failure(e.kind(), repository, operation, "referrers response: " + e.getMessage());
      } catch (IOException e) {
        throw failure(RegistryException.Kind.MALFORMED, repository, operation, e.getMessage());
      }
      found.addAll(index.manifests());
    }
    return filter(found, artifactType);
  }

  /** The OCI 1.1 fallback for registries without the referrers API: the "alg-hex" tag. */
  private List<Descriptor> referrersFromTag(Repository repository, Digest subject, String artifactType)
      throws RegistryException {
    String tag = subject.algorithm() + "-" + subject.hex();
    RawManifest raw;
    try {
      raw = fetchManifest(repository, tag);
    } catch (RegistryException e) {
      if (e.kind() == RegistryException.Kind.NOT_FOUND) {
        return List.of();
      }
      throw e;
    }
    if (!MediaTypes.isIndex(raw.mediaType())) {
      throw failure(
          RegistryException.Kind.MALFORMED, repository, "fetch referrers of " + subject,
          "referrers tag " + tag + " holds " + raw.mediaType() + ", not an image index");
    }
    return filter(parseIndex(repository, raw).manifests(), artifactType);
  }

  private static List<Descriptor> filter(List<Descriptor> descriptors, String artifactType) {
    if (artifactType == null) {
      return List.copyOf(descriptors);
    }
    return descriptors.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
  }

  /**
   * GETs a paginated JSON resource, following {@code Link: <...>; rel="next"} on the same host,
   * and returns each page's JSON object. A 404 on the first page throws NOT_FOUND.
   */
  private List<JsonNode> pages(
      Repository repository, String operation, String path, String accept, long maxPageBytes)
      throws RegistryException {
    List<JsonNode> pages = new ArrayList<>();
    URI first = uri(repository.registry(), "/v2/" + repository.name() + path);
    Set<URI> seen = new HashSet<>();
    URI next = first;
    while (next != null) {
      if (pages.size() >= MAX_PAGES || !seen.add(next)) {
        throw failure(
            RegistryException.Kind.MALFORMED, repository, operation,
            "pagination does not end (" + pages.size() + " pages, next " + next + ")");
      }
      HttpExecutor.Call call =
          new HttpExecutor.Call(
              repository.registry(), repository.name(), operation, "GET", next, Map.of("Accept", accept));
      HttpExecutor.Response response = send(call, repository);
      if (response.status() == 404) {
        throw call.failure(
            RegistryException.Kind.NOT_FOUND, "not found" + ResponseBodies.errorDetail(response), 404);
      }
      if (response.status() != 200) {
        throw unexpected(response);
      }
      String link = LinkHeader.next(response.headers().allValues("Link"));
      URI base = response.uri();
      byte[] body = ResponseBodies.readBounded(response, maxPageBytes, config.requestTimeout(), "response page");
      JsonNode json;
      try {
        json = JSON.readTree(body);
      } catch (IOException e) {
        throw call.failure(RegistryException.Kind.MALFORMED, "response is not valid JSON", 200, e);
      }
      if (json == null || !json.isObject()) {
        throw call.failure(RegistryException.Kind.MALFORMED, "response is not a JSON object", 200);
      }
      pages.add(json);
      next = null;
      if (link != null) {
        try {
          next = base.resolve(link);
        } catch (IllegalArgumentException e) {
          throw call.failure(RegistryException.Kind.MALFORMED, "invalid Link target \"" + link + "\"", 200, e);
        }
        if (!HttpExecutor.authority(next).equals(HttpExecutor.authority(first))) {
          throw call.failure(
              RegistryException.Kind.MALFORMED,
              "Link header points to another host (" + next.getHost() + ")", 200);
        }
      }
    }
    return pages;
  }

  private ImageIndex parseIndex(Repository repository, RawManifest raw) throws RegistryException {
    try {
      return ManifestParser.parseIndex(raw.content(), raw.mediaType());
    } catch (ManifestFormatException e) {
      throw failure(e.kind(), repository, "parse index " + raw.digest(), e.getMessage());
    }
  }

  private ImageManifest parseManifest(Repository repository, RawManifest raw) throws RegistryException {
    try {
      return ManifestParser.parseManifest(raw.content(), raw.mediaType());
    } catch (ManifestFormatException e) {
      throw failure(e.kind(), repository, "parse manifest " + raw.digest(), e.getMessage());
    }
  }

  private HttpExecutor.Response send(HttpExecutor.Call call, Repository repository)
      throws RegistryException {
    return shared.authenticator.send(
        call, "repository:" + repository.name() + ":pull", credentials.lookup(repository));
  }

  private HttpExecutor.Call call(
      Repository repository, String operation, String method, String pathInRepository,
      Map<String, String> headers) {
    return new HttpExecutor.Call(
        repository.registry(), repository.name(), operation, method,
        uri(repository.registry(), "/v2/" + repository.name() + pathInRepository), headers);
  }

  private URI uri(String registry, String path) {
    String host = RegistryHosts.apiHost(registry);
    String scheme = config.usesPlainHttp(host) ? "http" : "https";
    return URI.create(scheme + "://" + host + path);
  }

  private static RegistryException unexpected(HttpExecutor.Response response) {
    int status = response.status();
    RegistryException.Kind kind;
    if (status == 401 || status == 403) {
      kind = RegistryException.Kind.UNAUTHORIZED;
    } else if (status == 404) {
      kind = RegistryException.Kind.NOT_FOUND;
    } else if (status == 413) {
      kind = RegistryException.Kind.TOO_LARGE;
    } else if (status == 429 || status >= 500) {
      kind = RegistryException.Kind.UNAVAILABLE;
    } else {
      kind = RegistryException.Kind.FAILED;
    }
    return response.call().failure(kind, "unexpected answer" + ResponseBodies.errorDetail(response), status);
  }

  private static RegistryException failure(
      RegistryException.Kind kind, Repository repository, String operation, String detail) {
    return new RegistryException(kind, repository.registry(), repository.name(), operation, detail, -1);
  }

  private static void requireRegistry(String registry) {
    if (!ImageReference.isValidRegistry(registry)) {
      throw new IllegalArgumentException("invalid registry name \"" + registry + "\"");
    }
  }

  private static void requireRepository(Repository repository) {
    requireRegistry(repository.registry());
    if (!ImageReference.isValidRepositoryName(repository.name())) {
      throw new IllegalArgumentException("invalid repository name \"" + repository.name() + "\"");
    }
  }

  /** The digest when the reference is one, null for a tag; rejects anything else. */
  private static Digest parseManifestReference(String reference) {
    if (reference != null && reference.indexOf(':') >= 0) {
      return parseDigest(reference);
    }
    if (!ImageReference.isValidTag(reference)) {
      throw new IllegalArgumentException("invalid tag \"" + reference + "\"");
    }
    return null;
  }

  private static Digest parseDigest(String digest) {
    return Digest.parse(digest);
  }

  private static boolean isDigest(String value) {
    try {
      Digest.parse(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
