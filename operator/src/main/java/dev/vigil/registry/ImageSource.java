package dev.vigil.registry;

import java.io.InputStream;
import java.util.List;

/**
 * The only way the packages above talk to container registries. Implementations handle
 * authentication, retries, size limits and digest verification; callers never see HTTP.
 *
 * <p>Every method throws {@link RegistryException} with a {@link RegistryException.Kind}
 * telling what went wrong.
 */
public interface ImageSource {

  /** Checks that a registry answers the distribution API and accepts the credentials. */
  void ping(String registry) throws RegistryException;

  /** Resolves a reference for the source's default platform. */
  ResolvedImage resolve(ImageReference reference) throws RegistryException;

  /**
   * Resolves a reference to the image manifest for a platform: fetches the manifest, and when
   * it is an index or manifest list, picks the entry for the platform (containerd's rules)
   * and fetches that.
   */
  ResolvedImage resolve(ImageReference reference, Platform platform) throws RegistryException;

  /** {@link #headDigest(ImageReference, Platform)} for the source's default platform. */
  DigestResolution headDigest(ImageReference reference) throws RegistryException;

  /**
   * What a reference points to now, with a HEAD request where the registry allows it. When
   * the reference names an index, the index is fetched to find the platform's digest.
   */
  DigestResolution headDigest(ImageReference reference, Platform platform)
      throws RegistryException;

  /**
   * Fetches a manifest or index by tag or digest, bounded in size. When {@code reference} is
   * a digest the content is verified against it. Docker schema 1 is refused as unsupported.
   */
  RawManifest fetchManifest(Repository repository, String reference) throws RegistryException;

  /**
   * Streams a blob. The stream verifies the digest while it is read and throws a
   * {@link RegistryException} from {@code read()} at end of data when the content does not
   * match. Close it: it holds one of the registry's concurrency permits.
   */
  InputStream openBlob(Repository repository, String digest) throws RegistryException;

  /** Like {@link #openBlob(Repository, String)}, also failing when the size differs. */
  InputStream openBlob(Repository repository, Descriptor descriptor) throws RegistryException;

  /** Fetches a small blob completely, verified, failing when it exceeds {@code maxBytes}. */
  byte[] fetchBlob(Repository repository, String digest, long maxBytes) throws RegistryException;

  /** Fetches an image config blob, verified, within the configured config size limit. */
  byte[] fetchConfig(Repository repository, Descriptor config) throws RegistryException;

  /** All tags of a repository, following the registry's pagination. */
  List<String> listTags(Repository repository) throws RegistryException;

  /**
   * Manifests that refer to a digest (signatures, attestations, SBOMs): the OCI 1.1
   * referrers API, or the "sha256-&lt;hex&gt;" tag where the registry lacks that API.
   *
   * @param artifactType only referrers of this artifact type; null for all
   */
  List<Descriptor> referrers(Repository repository, String digest, String artifactType)
      throws RegistryException;

  /**
   * The same source using other credentials (e.g. a workload's image pull secrets), sharing
   * connections, limits and caches.
   */
  ImageSource withCredentials(RegistryCredentials credentials);
}
