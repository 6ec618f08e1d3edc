package dev.vigil.signature;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A signature store held in memory, for verification tests that do not involve a registry.
 * Counts fetches so caching tests can see how often the store was asked; can be told to fail.
 */
final class InMemorySignatureStore implements SignatureStore {

  private final Map<String, List<CosignSignature>> signatures = new HashMap<>();
  private final Map<String, List<AttachedBundle>> bundles = new HashMap<>();
  final AtomicInteger fetches = new AtomicInteger();
  volatile String failure;

  void add(String repository, String digest, CosignSignature signature) {
    signatures.computeIfAbsent(repository + "@" + digest, k -> new ArrayList<>()).add(signature);
  }

  void add(String repository, String digest, AttachedBundle bundle) {
    bundles.computeIfAbsent(repository + "@" + digest, k -> new ArrayList<>()).add(bundle);
  }

  @Override
  public List<CosignSignature> cosignSignatures(String repository, ImageDigest digest)
      throws SignatureStoreException {
    fetches.incrementAndGet();
    if (failure != null) {
      throw new SignatureStoreException(failure);
    }
    return List.copyOf(signatures.getOrDefault(repository + "@" + digest, List.of()));
  }

  @Override
  public List<AttachedBundle> sigstoreBundles(String repository, ImageDigest digest)
      throws SignatureStoreException {
    if (failure != null) {
      throw new SignatureStoreException(failure);
    }
    return List.copyOf(bundles.getOrDefault(repository + "@" + digest, List.of()));
  }
}
