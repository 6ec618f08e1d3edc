package dev.vigil.workload;

import dev.vigil.api.WorkloadKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The informer caches behind {@link WorkloadIndex} and the ownership lookups over them: which
 * workload a pod, ReplicaSet or Job belongs to, and which pods a workload has.
 */
final class ClusterCaches implements AutoCloseable {

  /**
   * Objects per page when an informer lists. Trimming happens per object as it enters the
   * store, so without pages a (re)list of every pod of a large cluster is held whole, untrimmed,
   * at once: a heap peak several times what the caches keep. With a limit fabric8 lists page by
   * page (from etcd rather than the API server's watch cache: a consistent read, the price of
   * the bounded peak); 500 is kubectl's page size.
   */
  static final long PAGE_SIZE = 500;

  final KindCache<Namespace> namespaces;
  final KindCache<Deployment> deployments;
  final KindCache<StatefulSet> statefulSets;
  final KindCache<DaemonSet> daemonSets;
  final KindCache<ReplicaSet> replicaSets;
  final KindCache<CronJob> cronJobs;
  final KindCache<Job> jobs;
  final KindCache<Pod> pods;

  /**
   * @param watched namespaces to watch; empty for all. Namespaces themselves are always
   *     watched cluster-wide (they are cluster-scoped).
   * @param trimming what the caches keep of each object
   * @param pageSize objects per page of the informers' lists; null lists everything at once
   */
  ClusterCaches(KubernetesClient client, List<String> watched, CacheTrimming.Mode trimming, Long pageSize) {
    namespaces = new KindCache<>("Namespace", List.of(), ns -> client.namespaces().withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(Namespace.class, trimming));
    deployments = new KindCache<>("Deployment", watched, ns -> ns == null
        ? client.apps().deployments().inAnyNamespace().withLimit(pageSize).runnableInformer(0)
        : client.apps().deployments().inNamespace(ns).withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(Deployment.class, trimming));
    statefulSets = new KindCache<>("StatefulSet", watched, ns -> ns == null
        ? client.apps().statefulSets().inAnyNamespace().withLimit(pageSize).runnableInformer(0)
        : client.apps().statefulSets().inNamespace(ns).withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(StatefulSet.class, trimming));
    daemonSets = new KindCache<>("DaemonSet", watched, ns -> ns == null
        ? client.apps().daemonSets().inAnyNamespace().withLimit(pageSize).runnableInformer(0)
        : client.apps().daemonSets().inNamespace(ns).withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(DaemonSet.class, trimming));
    replicaSets = new KindCache<>("ReplicaSet", watched, ns -> ns == null
        ? client.apps().replicaSets().inAnyNamespace().withLimit(pageSize).runnableInformer(0)
        : client.apps().replicaSets().inNamespace(ns).withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(ReplicaSet.class, trimming));
    cronJobs = new KindCache<>("CronJob", watched, ns -> ns == null
        ? client.batch().v1().cronjobs().inAnyNamespace().withLimit(pageSize).runnableInformer(0)
        : client.batch().v1().cronjobs().inNamespace(ns).withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(CronJob.class, trimming));
    jobs = new KindCache<>("Job", watched, ns -> ns == null
        ? client.batch().v1().jobs().inAnyNamespace().withLimit(pageSize).runnableInformer(0)
        : client.batch().v1().jobs().inNamespace(ns).withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(Job.class, trimming));
    pods = new KindCache<>("Pod", watched, ns -> ns == null
        ? client.pods().inAnyNamespace().withLimit(pageSize).runnableInformer(0)
        : client.pods().inNamespace(ns).withLimit(pageSize).runnableInformer(0),
        CacheTrimming.forKind(Pod.class, trimming));
  }

  List<KindCache<?>> all() {
    return List.of(namespaces, deployments, statefulSets, daemonSets, replicaSets, cronJobs, jobs, pods);
  }

  /** Starts every informer at once; completes when all have synced. */
  CompletableFuture<Void> start() {
    return CompletableFuture.allOf(all().stream().map(KindCache::start).toArray(CompletableFuture[]::new));
  }

  boolean hasSynced() {
    return all().stream().allMatch(KindCache::hasSynced);
  }

  /** Names of the kinds whose informers have not synced yet. */
  List<String> notSynced() {
    return all().stream().filter(c -> !c.hasSynced()).map(KindCache::kind).toList();
  }

  /** The cached workload of this kind and name, if it exists (and is a workload of its own). */
  Optional<Workload> workload(WorkloadKind kind, String namespace, String name) {
    Optional<? extends HasMetadata> found = switch (kind) {
      case Deployment -> deployments.get(namespace, name);
      case StatefulSet -> statefulSets.get(namespace, name);
      case DaemonSet -> daemonSets.get(namespace, name);
      case CronJob -> cronJobs.get(namespace, name);
      case Job -> jobs.get(namespace, name);
      case Pod -> pods.get(namespace, name);
    };
    return found.flatMap(Workload::of);
  }

  /**
   * The workload a pod belongs to: itself when nothing controls it, else its controller
   * (through the ReplicaSet for Deployments and through the Job for CronJobs). Empty when the
   * owner is not cached (yet) or is not a kind Vigil watches (a bare ReplicaSet, a
   * ReplicationController, a custom controller).
   */
  Optional<Workload> ownerOf(Pod pod) {
    OwnerReference controller = ControllerRefs.controllerOf(pod);
    if (controller == null) {
      return Workload.of(pod);
    }
    String namespace = pod.getMetadata().getNamespace();
    switch (String.valueOf(controller.getKind())) {
      case "ReplicaSet":
        return owned(replicaSets.get(namespace, controller.getName()), controller)
            .flatMap(this::ownerOf);
      case "StatefulSet":
        return owned(statefulSets.get(namespace, controller.getName()), controller).flatMap(Workload::of);
      case "DaemonSet":
        return owned(daemonSets.get(namespace, controller.getName()), controller).flatMap(Workload::of);
      case "Job":
        return owned(jobs.get(namespace, controller.getName()), controller).flatMap(this::ownerOf);
      default:
        return Optional.empty();
    }
  }

  /** The Deployment controlling a ReplicaSet, if cached. */
  Optional<Workload> ownerOf(ReplicaSet replicaSet) {
    OwnerReference controller = ControllerRefs.controllerOf(replicaSet);
    if (controller == null || !"Deployment".equals(controller.getKind())) {
      return Optional.empty();
    }
    return owned(deployments.get(replicaSet.getMetadata().getNamespace(), controller.getName()), controller)
        .flatMap(Workload::of);
  }

  /** The Job itself when nothing controls it, else its CronJob if cached. */
  Optional<Workload> ownerOf(Job job) {
    OwnerReference controller = ControllerRefs.controllerOf(job);
    if (controller == null) {
      return Workload.of(job);
    }
    if (!"CronJob".equals(controller.getKind())) {
      return Optional.empty();
    }
    return owned(cronJobs.get(job.getMetadata().getNamespace(), controller.getName()), controller)
        .flatMap(Workload::of);
  }

  /** The cached object only if it is the very one the reference names (same uid). */
  private static <T extends HasMetadata> Optional<T> owned(Optional<T> cached, OwnerReference reference) {
    return cached.filter(o -> reference.getUid() != null && reference.getUid().equals(o.getMetadata().getUid()));
  }

  /** Every cached pod of a workload, of any revision. */
  List<Pod> podsOf(Workload workload) {
    String uid = workload.uid();
    List<Pod> out = new ArrayList<>();
    switch (workload.kind()) {
      case Deployment -> replicaSetsOf(uid).forEach(rs -> out.addAll(podsControlledBy("ReplicaSet", rs)));
      case StatefulSet, DaemonSet, Job -> out.addAll(podsControlledBy(workload.kind().name(), workload.resource()));
      case CronJob -> jobsOf(uid).forEach(job -> out.addAll(podsControlledBy("Job", job)));
      case Pod -> pods.get(workload.namespace(), workload.name())
          .filter(p -> uid != null && uid.equals(p.getMetadata().getUid()))
          .ifPresent(out::add);
    }
    return out;
  }

  List<ReplicaSet> replicaSetsOf(String deploymentUid) {
    return replicaSets.controlledBy(deploymentUid).stream()
        .filter(rs -> ControllerRefs.isControlledBy(rs, "Deployment", deploymentUid))
        .toList();
  }

  List<Job> jobsOf(String cronJobUid) {
    return jobs.controlledBy(cronJobUid).stream()
        .filter(job -> ControllerRefs.isControlledBy(job, "CronJob", cronJobUid))
        .toList();
  }

  List<Pod> podsControlledBy(String kind, HasMetadata owner) {
    String uid = owner.getMetadata().getUid();
    if (uid == null) {
      return List.of();
    }
    return pods.controlledBy(uid).stream()
        .filter(p -> ControllerRefs.isControlledBy(p, kind, uid))
        .toList();
  }

  @Override
  public void close() {
    all().forEach(KindCache::close);
  }
}
