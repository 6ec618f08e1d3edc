package dev.vigil.signature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.registry.Descriptor;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.MediaTypes;
import dev.vigil.registry.RawManifest;
import dev.vigil.registry.RegistryException;
import dev.vigil.registry.Repository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches signatures through the registry client. Cosign signatures live in the manifest
 * tagged {@code sha256-<hex>.sig} (one layer per signature: the simple-signing payload blob,
 * its annotations carrying signature, certificate, chain and Rekor bundle). Sigstore bundles
 * are referrers of the image (OCI referrers API, or the {@code sha256-<hex>} tag index the
 * client falls back to); every referrer is opened, whatever its artifactType (fallback index
 * entries often carry none or another), and its layers whose media type starts with
 * {@code application/vnd.dev.sigstore.bundle} are the bundles.
 */
public final class RegistrySignatureStore implements SignatureStore {

  /** Cosign payloads are a few hundred bytes; bundles a few KiB (certificate chains). */
  static final long MAX_PAYLOAD_BYTES = 256 * 1024;

  static final long MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

  /** Bounds on what a hostile or broken registry can make Vigil fetch for one image. */
  static final int MAX_SIGNATURE_LAYERS = 64;

  static final int MAX_REFERRERS = 128;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ImageSource source;

  public RegistrySignatureStore(ImageSource source) {
    this.source = source;
  }

  @Override
  public List<CosignSignature> cosignSignatures(String repository, ImageDigest digest)
      throws SignatureStoreException {
    Repository repo = repository(repository, digest);
    String tag = digest.algorithm() + "-" + digest.hex() + ".sig";
    RawManifest manifest;
    try {
      manifest = source.fetchManifest(repo, tag);
    } catch (RegistryException e) {
      if (e.kind() == RegistryException.Kind.NOT_FOUND) {
        return List.of();
      }
      throw new SignatureStoreException("fetching " + repo + ":" + tag + " failed: " + e.getMessage(), e);
    }
    List<JsonNode> layers = layers(manifest, repo + ":" + tag);
    if (layers.size() > MAX_SIGNATURE_LAYERS) {
      throw new SignatureStoreException(
          repo + ":" + tag + " has " + layers.size() + " signature layers; more than "
              + MAX_SIGNATURE_LAYERS + " are refused");
    }
    List<CosignSignature> signatures = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      JsonNode layer = layers.get(i);
      String layerDigest = layer.path("digest").asText("");
      byte[] payload = blob(repo, layerDigest, MAX_PAYLOAD_BYTES);
      Map<String, String> annotations = new HashMap<>();
      layer.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
      signatures.add(new CosignSignature(repo + ":" + tag + " layer " + i, payload, annotations));
    }
    return signatures;
  }

  @Override
  public List<AttachedBundle> sigstoreBundles(String repository, ImageDigest digest)
      throws SignatureStoreException {
    Repository repo = repository(repository, digest);
    List<Descriptor> referrers;
    try {
      referrers = source.referrers(repo, digest.toString(), null);
    } catch (RegistryException e) {
      if (e.kind() == RegistryException.Kind.NOT_FOUND) {
        return List.of();
      }
      throw new SignatureStoreException(
          "listing referrers of " + repo + "@" + digest + " failed: " + e.getMessage(), e);
    }
    if (referrers.size() > MAX_REFERRERS) {
      throw new SignatureStoreException(
          repo + "@" + digest + " has " + referrers.size() + " referrers; more than "
              + MAX_REFERRERS + " are refused");
    }
    List<AttachedBundle> bundles = new ArrayList<>();
    for (Descriptor referrer : referrers) {
      if (!MediaTypes.isManifest(referrer.mediaType())) {
        continue; // an index referrer (e.g. a multi-arch SBOM set) holds no bundle layer
      }
      RawManifest manifest;
      try {
        manifest = source.fetchManifest(repo, referrer.digest());
      } catch (RegistryException e) {
        throw new SignatureStoreException(
            "fetching referrer " + referrer.digest() + " of " + repo + "@" + digest + " failed: "
                + e.getMessage(), e);
      }
      List<JsonNode> layers = layers(manifest, repo + "@" + referrer.digest());
      for (int i = 0; i < layers.size(); i++) {
        JsonNode layer = layers.get(i);
        if (layer.path("mediaType").asText("").startsWith(AttachedBundle.MEDIA_TYPE_PREFIX)) {
          bundles.add(new AttachedBundle(
              "referrer " + referrer.digest() + " layer " + i,
              blob(repo, layer.path("digest").asText(""), MAX_BUNDLE_BYTES)));
        }
      }
    }
    return bundles;
  }

  private static Repository repository(String repository, ImageDigest digest)
      throws SignatureStoreException {
    try {
      return ImageReference.parse(repository + "@" + digest).toRepository();
    } catch (IllegalArgumentException e) {
      throw new SignatureStoreException("not a repository name: " + repository + " (" + e.getMessage() + ")", e);
    }
  }

  private static List<JsonNode> layers(RawManifest manifest, String where) throws SignatureStoreException {
    JsonNode root;
    try {
      root = JSON.readTree(manifest.content());
    } catch (Exception e) {
      throw new SignatureStoreException(where + " is not a JSON manifest", e);
    }
    if (root == null || !root.path("layers").isArray()) {
      throw new SignatureStoreException(where + " is not an image manifest (no layers array)");
    }
    List<JsonNode> layers = new ArrayList<>();
    root.path("layers").forEach(layers::add);
    return layers;
  }

  private byte[] blob(Repository repo, String digest, long maxBytes) throws SignatureStoreException {
    try {
      return source.fetchBlob(repo, digest, maxBytes);
    } catch (RegistryException e) {
      throw new SignatureStoreException(
          "fetching blob " + digest + " from " + repo + " failed: " + e.getMessage(), e);
    }
  }
}
