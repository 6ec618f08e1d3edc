package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An informer item store that cuts objects down ({@link CacheTrimming}) before keeping them.
 *
 * <p>fabric8 7.5 has no informer transform hook, so the trimming happens where objects enter
 * the store. The informer deserialised the object for itself and hands the same instance to
 * the event handlers after storing it, so trimming it in place is safe and handlers see exactly
 * what the cache holds (a handler that read a dropped field would fail in tests, not only on a
 * later cache read).
 */
final class TrimmedItemStore<T extends HasMetadata> implements ItemStore<T> {

  private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final Consumer<T> trim;

  TrimmedItemStore(Consumer<T> trim) {
    this.trim = trim;
  }

  @Override
  public String getKey(T item) {
    return store.getKey(item);
  }

  @Override
  public T put(String key, T item) {
    trim.accept(item);
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
