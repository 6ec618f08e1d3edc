package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The informer cache of one resource kind: one informer for all namespaces, or one per watched
 * namespace. Objects are trimmed on the way in ({@link CacheTrimming}) and indexed by
 * namespace and by the uid of their controlling owner.
 */
final class KindCache<T extends HasMetadata> implements AutoCloseable {

  static final String CONTROLLER_INDEX = "vigil.dev/controller-uid";

  private final String kind;
  private final List<SharedIndexInformer<T>> informers;

  /**
   * @param kind the kind's name, for messages
   * @param namespaces the namespaces to watch; null or empty for all namespaces (and for
   *     cluster-scoped kinds)
   * @param informerFor a not yet started informer for one namespace, or for all when given null
   * @param trim cuts an object down before the cache keeps it
   */
  KindCache(String kind, List<String> namespaces, Function<String, SharedIndexInformer<T>> informerFor,
      Consumer<T> trim) {
    this.kind = kind;
    List<String> scopes = new ArrayList<>();
    if (namespaces == null || namespaces.isEmpty()) {
      scopes.add(null);
    } else {
      scopes.addAll(namespaces);
    }
    List<SharedIndexInformer<T>> created = new ArrayList<>();
    for (String scope : scopes) {
      SharedIndexInformer<T> informer = informerFor.apply(scope);
      informer.itemStore(new TrimmedItemStore<>(trim));
      informer.addIndexers(Map.of(CONTROLLER_INDEX, KindCache::controllerUid));
      created.add(informer);
    }
    this.informers = List.copyOf(created);
  }

  private static List<String> controllerUid(HasMetadata resource) {
    OwnerReference controller = ControllerRefs.controllerOf(resource);
    return controller == null || controller.getUid() == null ? List.of() : List.of(controller.getUid());
  }

  String kind() {
    return kind;
  }

  void addHandler(ResourceEventHandler<T> handler) {
    informers.forEach(i -> i.addEventHandler(handler));
  }

  /** Starts every informer; completes when all have synced. */
  CompletableFuture<Void> start() {
    CompletableFuture<?>[] started = informers.stream()
        .map(i -> i.start().toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(started);
  }

  boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  List<T> all() {
    List<T> out = new ArrayList<>();
    informers.forEach(i -> out.addAll(i.getStore().list()));
    return out;
  }

  List<T> inNamespace(String namespace) {
    List<T> out = new ArrayList<>();
    informers.forEach(i -> out.addAll(i.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)));
    return out;
  }

  /** Objects whose controlling owner reference names this uid. */
  List<T> controlledBy(String uid) {
    List<T> out = new ArrayList<>();
    informers.forEach(i -> out.addAll(i.getIndexer().byIndex(CONTROLLER_INDEX, uid)));
    return out;
  }

  Optional<T> get(String namespace, String name) {
    String key = namespace == null ? name : Cache.namespaceKeyFunc(namespace, name);
    for (SharedIndexInformer<T> informer : informers) {
      T found = informer.getStore().getByKey(key);
      if (found != null) {
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
