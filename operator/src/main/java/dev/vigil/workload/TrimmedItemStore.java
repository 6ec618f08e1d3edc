package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An informer item store that drops what Vigil never reads before keeping an object:
 * {@code metadata.managedFields} and the {@code kubectl.kubernetes.io/last-applied-configuration}
 * annotation. Together they are often larger than the rest of the object (the annotation is a
 * full copy of the applied manifest), and a cluster-wide pod cache holds one per pod.
 *
 * <p>fabric8 7.5 has no informer transform hook, so the trimming happens where objects enter
 * the store. The informer deserialised the object for itself, so trimming it in place is safe;
 * event handlers then see the trimmed object too.
 */
final class TrimmedItemStore<T extends HasMetadata> implements ItemStore<T> {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  /** Removes the fields the cache need not hold, in place. */
  static void trim(HasMetadata resource) {
    ObjectMeta meta = resource.getMetadata();
    if (meta == null) {
      return;
    }
    meta.setManagedFields(null);
    Map<String, String> annotations = meta.getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      Map<String, String> kept = new LinkedHashMap<>(annotations);
      kept.remove(LAST_APPLIED);
      meta.setAnnotations(kept);
    }
  }

  @Override
  public String getKey(T item) {
    return store.getKey(item);
  }

  @Override
  public T put(String key, T item) {
    trim(item);
    return store.put(key, item);
  }

  @Override
  public T remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<T> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public T get(String key) {
    return store.get(key);
  }
}
