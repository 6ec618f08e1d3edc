package dev.vigil.workload;

import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.ImageReference;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workloads, their pods and the digests they run, answered from informer caches instead of
 * list calls: one informer each on Namespaces, Deployments, StatefulSets, DaemonSets,
 * ReplicaSets, CronJobs, Jobs and Pods, for all namespaces or for a configured set (Namespaces
 * are always watched cluster-wide, and answers are limited to the set).
 *
 * <p>The caches keep only the fields Vigil reads (see {@link CacheTrimming}): workloads lose
 * their managedFields and last-applied-configuration annotation; pods with a controller,
 * ReplicaSets and a CronJob's Jobs keep little more than their identity, owner and the images
 * and digests their containers run. Answers before {@link #hasSynced()} come from partial caches.
 */
public final class WorkloadIndex implements WorkloadSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadIndex.class);

  private final Set<String> watched;
  private final ClusterCaches caches;
  private final CurrentRevisionPods currentPods;
  private final WorkloadEvents events;
  private final AtomicBoolean started = new AtomicBoolean();

  /** An index over all namespaces; nothing is watched until {@link #start()}. */
  public WorkloadIndex(KubernetesClient client) {
    this(client, Set.of());
  }

  /**
   * An index over some namespaces; nothing is watched until {@link #start()}.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public WorkloadIndex(KubernetesClient client, Set<String> namespaces) {
    this(client, namespaces, CacheTrimming.Mode.FIELDS_READ, ClusterCaches.PAGE_SIZE);
  }

  /**
   * An index whose caches trim objects this much and list in pages of this size (null: no
   * pages); other values than the operator's are for benchmarks.
   */
  WorkloadIndex(KubernetesClient client, Set<String> namespaces, CacheTrimming.Mode trimming, Long pageSize) {
    this.watched = Set.copyOf(namespaces);
    this.caches = new ClusterCaches(client, List.copyOf(new TreeSet<>(namespaces)), trimming, pageSize);
    this.currentPods = new CurrentRevisionPods(caches);
    this.events = new WorkloadEvents(caches);
  }

  /** Starts all informers together; the future completes when every one has synced. */
  public CompletableFuture<Void> start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("workload index already started");
    }
    LOG.info("starting workload informers ({})",
        watched.isEmpty() ? "all namespaces" : "namespaces " + new TreeSet<>(watched));
    return caches.start();
  }

  /**
   * Starts all informers and waits until every one has synced.
   *
   * @throws IllegalStateException when they have not synced in time (naming the kinds that
   *     have not) or an informer failed to start
   */
  public void startAndAwaitSync(Duration timeout) {
    CompletableFuture<Void> synced = start();
    try {
      synced.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("workload informers did not sync within " + timeout
          + "; not synced: " + String.join(", ", caches.notSynced()), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("workload informers failed to start: " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for workload informers", e);
    }
    LOG.info("workload informers synced");
  }

  /** True when every informer has completed its initial list. */
  public boolean hasSynced() {
    return caches.hasSynced();
  }

  /** Where to register for workload changes. */
  public WorkloadEvents events() {
    return events;
  }

  @Override
  public Set<String> namespaces(LabelSelector namespaceSelector) {
    LabelSelectorMatcher matcher = LabelSelectorMatcher.of(namespaceSelector);
    Set<String> out = new TreeSet<>();
    for (Namespace namespace : caches.namespaces.all()) {
      String name = namespace.getMetadata().getName();
      if ((watched.isEmpty() || watched.contains(name))
          && matcher.matches(namespace.getMetadata().getLabels())) {
        out.add(name);
      }
    }
    return out;
  }

  @Override
  public List<Workload> workloads(Set<String> namespaces, LabelSelector workloadSelector) {
    LabelSelectorMatcher matcher = LabelSelectorMatcher.of(workloadSelector);
    List<Workload> out = new ArrayList<>();
    for (String namespace : new TreeSet<>(namespaces)) {
      if (!watched.isEmpty() && !watched.contains(namespace)) {
        continue;
      }
      addMatching(out, caches.deployments.inNamespace(namespace), matcher);
      addMatching(out, caches.statefulSets.inNamespace(namespace), matcher);
      addMatching(out, caches.daemonSets.inNamespace(namespace), matcher);
      addMatching(out, caches.cronJobs.inNamespace(namespace), matcher);
      addMatching(out, caches.jobs.inNamespace(namespace), matcher);
      addMatching(out, caches.pods.inNamespace(namespace), matcher);
    }
    return out;
  }

  private static void addMatching(
      List<Workload> out, List<? extends HasMetadata> resources, LabelSelectorMatcher matcher) {
    resources.stream()
        .filter(r -> matcher.matches(r.getMetadata().getLabels()))
        .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
        .forEach(r -> Workload.of(r).ifPresent(out::add));
  }

  /** The cached workload of this kind and name, when it exists and is a workload of its own. */
  public Optional<Workload> workload(WorkloadKind kind, String namespace, String name) {
    return caches.workload(kind, namespace, name);
  }

  /**
   * The containers of a workload (containers, init containers, then ephemeral containers) with
   * the image each names and the registry digest the workload's current revision runs. The
   * workload is read again from the cache first, so a stale object still gets today's answer.
   */
  public List<ContainerImage> images(Workload workload) {
    Workload current = caches.workload(workload.kind(), workload.namespace(), workload.name())
        .filter(w -> workload.uid() == null || workload.uid().equals(w.uid()))
        .orElse(workload);
    List<Pod> pods = currentPods.of(current);
    List<ContainerImage> out = new ArrayList<>();
    for (PodContainers.SpecContainer c : PodContainers.of(current.podSpec())) {
      out.add(new ContainerImage(current, c.name(), c.type(), c.image(),
          pullPolicy(c.image(), c.imagePullPolicy()),
          RunningDigest.of(pods, c.type(), c.name(), c.image())));
    }
    return out;
  }

  /** The policy as written, else the API server's default for the reference. */
  private static String pullPolicy(String image, String written) {
    if (written != null && !written.isEmpty()) {
      return written;
    }
    try {
      return "latest".equals(ImageReference.parse(image).tag()) ? "Always" : "IfNotPresent";
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The caches themselves, for tests of what they keep. */
  ClusterCaches caches() {
    return caches;
  }

  @Override
  public void close() {
    caches.close();
  }
}
