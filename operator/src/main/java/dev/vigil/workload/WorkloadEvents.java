package dev.vigil.workload;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells listeners when a workload appears, its pod template's images change, one of its pods
 * starts running a registry digest not seen before for that container, or it is deleted.
 *
 * <p>Listeners run on the informer threads (one per resource kind), so they must be quick and
 * must not block: hand the change to a queue. Nothing is debounced here; one rollout gives
 * several changes. A listener that throws is logged and does not stop the others.
 *
 * <p>Which digests were seen is remembered per workload container (the newest {@value
 * #DIGESTS_REMEMBERED}) and forgotten when the workload is deleted. Digests its pods already
 * run when a workload is added count as seen: the {@code Added} change covers them.
 */
public final class WorkloadEvents {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadEvents.class);

  /** Digests remembered per workload container; older ones may be reported again. */
  static final int DIGESTS_REMEMBERED = 16;

  private record WorkloadKey(WorkloadKind kind, String namespace, String name, String uid) {
    static WorkloadKey of(Workload w) {
      return new WorkloadKey(w.kind(), w.namespace(), w.name(), w.uid());
    }
  }

  private record ContainerKey(ContainerType type, String name) {}

  /** An image of a pod template, for telling whether the images changed. */
  private record TemplateImage(ContainerType type, String name, String image) {}

  private final ClusterCaches caches;
  private final List<Consumer<WorkloadChange>> listeners = new CopyOnWriteArrayList<>();
  private final Map<WorkloadKey, Map<ContainerKey, LinkedHashSet<String>>> seen = new ConcurrentHashMap<>();

  WorkloadEvents(ClusterCaches caches) {
    this.caches = caches;
    ResourceEventHandler<HasMetadata> workloads = new WorkloadHandler();
    caches.deployments.addHandler(cast(workloads));
    caches.statefulSets.addHandler(cast(workloads));
    caches.daemonSets.addHandler(cast(workloads));
    caches.cronJobs.addHandler(cast(workloads));
    caches.jobs.addHandler(cast(workloads));
    caches.pods.addHandler(cast(workloads));
    caches.jobs.addHandler(new OwnerHandler<Job>(job -> caches.podsControlledBy("Job", job)));
    caches.replicaSets.addHandler(
        new OwnerHandler<ReplicaSet>(rs -> caches.podsControlledBy("ReplicaSet", rs)));
    caches.pods.addHandler(new PodDigestHandler());
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> ResourceEventHandler<T> cast(ResourceEventHandler<HasMetadata> handler) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
  }

  /** Registers a listener; register before {@link WorkloadIndex#start()} to see the initial adds. */
  public void addListener(Consumer<WorkloadChange> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<WorkloadChange> listener) {
    listeners.remove(listener);
  }

  private void emit(Workload workload, WorkloadChange.Type type) {
    WorkloadChange change = new WorkloadChange(workload.kind(), workload.namespace(), workload.name(), type);
    for (Consumer<WorkloadChange> listener : listeners) {
      try {
        listener.accept(change);
      } catch (RuntimeException e) {
        LOG.warn("workload listener failed on {}: {}", change, e.toString(), e);
      }
    }
  }

  private void added(Workload workload) {
    for (Pod pod : caches.podsOf(workload)) {
      remember(workload, pod);
    }
    emit(workload, WorkloadChange.Type.Added);
  }

  private void deleted(Workload workload) {
    seen.remove(WorkloadKey.of(workload));
    emit(workload, WorkloadChange.Type.Deleted);
  }

  /** Reports a DigestChanged when the pod runs a digest its workload has not run before. */
  private void checkDigests(Pod pod) {
    Optional<Workload> owner = caches.ownerOf(pod);
    if (owner.isEmpty()) {
      return;
    }
    Workload workload = owner.get();
    boolean fresh = remember(workload, pod);
    if (caches.workload(workload.kind(), workload.namespace(), workload.name()).isEmpty()) {
      // Deleted while this pod was looked at: drop what was just remembered for it.
      seen.remove(WorkloadKey.of(workload));
      return;
    }
    if (fresh) {
      emit(workload, WorkloadChange.Type.DigestChanged);
    }
  }

  /** Records the digests the pod runs for its workload; true when one was new. */
  private boolean remember(Workload workload, Pod pod) {
    Map<ContainerKey, LinkedHashSet<String>> containers =
        seen.computeIfAbsent(WorkloadKey.of(workload), k -> new HashMap<>());
    boolean fresh = false;
    synchronized (containers) {
      for (PodContainers.SpecContainer c : PodContainers.of(pod.getSpec())) {
        String digest = PodContainers.runningDigest(pod, c.type(), c.name());
        if (digest == null) {
          continue;
        }
        LinkedHashSet<String> digests =
            containers.computeIfAbsent(new ContainerKey(c.type(), c.name()), k -> new LinkedHashSet<>());
        if (digests.add(digest)) {
          fresh = true;
          if (digests.size() > DIGESTS_REMEMBERED) {
            Iterator<String> oldest = digests.iterator();
            oldest.next();
            oldest.remove();
          }
        }
      }
    }
    return fresh;
  }

  private static Set<TemplateImage> templateImages(Workload workload) {
    Set<TemplateImage> images = new HashSet<>();
    for (PodContainers.SpecContainer c : PodContainers.of(workload.podSpec())) {
      images.add(new TemplateImage(c.type(), c.name(), c.image()));
    }
    return images;
  }

  /** Added, ImagesChanged and Deleted for every kind that can be a workload. */
  private final class WorkloadHandler implements ResourceEventHandler<HasMetadata> {

    @Override
    public void onAdd(HasMetadata resource) {
      Workload.of(resource).ifPresent(WorkloadEvents.this::added);
    }

    @Override
    public void onUpdate(HasMetadata before, HasMetadata after) {
      Optional<Workload> was = Workload.of(before);
      Optional<Workload> is = Workload.of(after);
      if (was.isPresent() && is.isPresent()) {
        if (!templateImages(was.get()).equals(templateImages(is.get()))) {
          emit(is.get(), WorkloadChange.Type.ImagesChanged);
        }
      } else if (is.isPresent()) {
        // A Job or Pod whose controller let go of it.
        added(is.get());
      } else if (was.isPresent()) {
        // A Job or Pod adopted by a controller is no longer a workload of its own.
        deleted(was.get());
      }
    }

    @Override
    public void onDelete(HasMetadata resource, boolean finalStateUnknown) {
      Workload.of(resource).ifPresent(WorkloadEvents.this::deleted);
    }
  }

  /** New digests of running pods. */
  private final class PodDigestHandler implements ResourceEventHandler<Pod> {

    @Override
    public void onAdd(Pod pod) {
      checkDigests(pod);
    }

    @Override
    public void onUpdate(Pod before, Pod after) {
      checkDigests(after);
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      // A deleted pod runs nothing new.
    }
  }

  /**
   * Informers deliver kinds in no particular order: a pod may arrive before its ReplicaSet or
   * Job is cached, and then cannot be traced to its workload. When that owner arrives, or a
   * controller adopts it, its pods are looked at again.
   */
  private final class OwnerHandler<T extends HasMetadata> implements ResourceEventHandler<T> {

    private final Function<T, List<Pod>> podsOf;

    OwnerHandler(Function<T, List<Pod>> podsOf) {
      this.podsOf = podsOf;
    }

    @Override
    public void onAdd(T owner) {
      podsOf.apply(owner).forEach(WorkloadEvents.this::checkDigests);
    }

    @Override
    public void onUpdate(T before, T after) {
      OwnerReference was = ControllerRefs.controllerOf(before);
      OwnerReference is = ControllerRefs.controllerOf(after);
      String wasUid = was == null ? null : was.getUid();
      String isUid = is == null ? null : is.getUid();
      if (!Objects.equals(wasUid, isUid)) {
        podsOf.apply(after).forEach(WorkloadEvents.this::checkDigests);
      }
    }

    @Override
    public void onDelete(T owner, boolean finalStateUnknown) {}
  }
}
