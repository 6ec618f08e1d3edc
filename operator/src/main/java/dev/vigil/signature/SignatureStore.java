package dev.vigil.signature;

import java.util.List;

/**
 * Where an image's signatures are fetched from. Implementations speak to a registry; the
 * verifiers above only see payloads, annotations and bundle bytes.
 */
public interface SignatureStore {

  /**
   * The layers of the cosign signature manifest (tag {@code sha256-<hex>.sig}) of an image, in
   * manifest order; empty when there is none.
   *
   * @throws SignatureStoreException when the registry cannot be asked or answers wrongly
   */
  List<CosignSignature> cosignSignatures(String repository, ImageDigest digest)
      throws SignatureStoreException;

  /**
   * Sigstore bundles attached to an image as referrers (OCI referrers API, or the
   * {@code sha256-<hex>} tag fallback index); empty when there are none.
   *
   * @throws SignatureStoreException when the registry cannot be asked or answers wrongly
   */
  List<AttachedBundle> sigstoreBundles(String repository, ImageDigest digest)
      throws SignatureStoreException;
}
