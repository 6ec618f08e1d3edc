package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What the informer caches keep of each object. A cluster-wide pod cache holds every pod of the
 * cluster, so objects are cut down, in place and before they are stored, to the fields Vigil
 * reads; every other field is gone from the cache, and from the objects event handlers see.
 *
 * <p>Objects that are workloads of their own (Deployments, StatefulSets, DaemonSets, CronJobs,
 * and Jobs and Pods no controller owns) are what checks, policies, pull secret resolution and
 * rollouts read as a whole: they lose only {@code metadata.managedFields} and the {@code
 * kubectl.kubernetes.io/last-applied-configuration} annotation (a full copy of the applied
 * manifest). Everything else is only ever read by this package to find a workload's current
 * pods and the digests they run, and keeps just that:
 *
 * <ul>
 *   <li>a pod with a controller: name, namespace, uid, resourceVersion, owner references, the
 *       {@code controller-revision-hash} and {@code pod-template-generation} labels, each
 *       container's name, image and pull policy (containers, init and ephemeral containers), each
 *       container status's name and imageID, and the Ready condition;
 *   <li>a ReplicaSet: its identity, owner references, creationTimestamp and the {@code
 *       deployment.kubernetes.io/revision} annotation (no template: it is never a workload);
 *   <li>a Job with a controller: its identity, owner references and creationTimestamp.
 * </ul>
 *
 * <p>An object that changes between the two sides (a controller adopts a bare pod, or the
 * garbage collector orphans one) arrives as a whole new object in the watch event and is cut
 * by what it is then. resourceVersion is always kept: the informer compares it to tell real
 * updates from relists. Strings that repeat across many objects (namespaces, images, owner
 * references, label values) are interned, so a Deployment's five pods share one copy, and
 * the collections a kept object does not use are the shared immutable empty ones rather than
 * a fresh empty list or map each (fabric8's model allocates about 40 per pod otherwise). Nothing
 * may modify cached objects, so immutable collections are safe there.
 */
final class CacheTrimming {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** How much the caches cut; {@link #FIELDS_READ} in the operator, the others for benchmarks. */
  enum Mode {
    /** Objects as the API server sent them. */
    NONE,
    /** Only managedFields and the last-applied annotation go, from every object. */
    METADATA,
    /** Workloads lose managedFields and last-applied; everything else keeps only what is read. */
    FIELDS_READ
  }

  private CacheTrimming() {}

  /** The trimming for objects of this kind in this mode. */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> Consumer<T> forKind(Class<T> kind, Mode mode) {
    return switch (mode) {
      case NONE -> o -> {};
      case METADATA -> CacheTrimming::metadata;
      case FIELDS_READ -> {
        if (kind == Pod.class) {
          yield (Consumer<T>) (Consumer<Pod>) CacheTrimming::pod;
        } else if (kind == ReplicaSet.class) {
          yield (Consumer<T>) (Consumer<ReplicaSet>) CacheTrimming::replicaSet;
        } else if (kind == Job.class) {
          yield (Consumer<T>) (Consumer<Job>) CacheTrimming::job;
        }
        yield CacheTrimming::metadata;
      }
    };
  }

  /** Drops managedFields and the last-applied annotation. */
  static void metadata(HasMetadata resource) {
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

  /** A bare pod is a workload and keeps everything; a controlled pod only what is read. */
  static void pod(Pod pod) {
    if (!ControllerRefs.hasController(pod)) {
      metadata(pod);
      return;
    }
    pod.setMetadata(identity(pod.getMetadata(), false,
        List.of(CurrentRevisionPods.CONTROLLER_REVISION_HASH, CurrentRevisionPods.POD_TEMPLATE_GENERATION),
        List.of()));
    PodSpec spec = pod.getSpec();
    PodSpec slimSpec = new PodSpec();
    slimSpec.setHostAliases(List.of());
    slimSpec.setImagePullSecrets(List.of());
    slimSpec.setNodeSelector(Map.of());
    slimSpec.setOverhead(Map.of());
    slimSpec.setReadinessGates(List.of());
    slimSpec.setResourceClaims(List.of());
    slimSpec.setSchedulingGates(List.of());
    slimSpec.setTolerations(List.of());
    slimSpec.setTopologySpreadConstraints(List.of());
    slimSpec.setVolumes(List.of());
    slimSpec.setAdditionalProperties(Map.of());
    slimSpec.setContainers(containers(spec == null ? null : spec.getContainers()));
    slimSpec.setInitContainers(containers(spec == null ? null : spec.getInitContainers()));
    slimSpec.setEphemeralContainers(ephemeralContainers(spec == null ? null : spec.getEphemeralContainers()));
    pod.setSpec(slimSpec);
    PodStatus status = pod.getStatus();
    PodStatus slimStatus = new PodStatus();
    slimStatus.setHostIPs(List.of());
    slimStatus.setPodIPs(List.of());
    slimStatus.setResourceClaimStatuses(List.of());
    slimStatus.setAdditionalProperties(Map.of());
    if (status != null) {
      slimStatus.setContainerStatuses(statuses(status.getContainerStatuses()));
      slimStatus.setInitContainerStatuses(statuses(status.getInitContainerStatuses()));
      slimStatus.setEphemeralContainerStatuses(statuses(status.getEphemeralContainerStatuses()));
      List<PodCondition> ready = new ArrayList<>(1);
      if (status.getConditions() != null) {
        for (PodCondition c : status.getConditions()) {
          if (c != null && "Ready".equals(c.getType())) {
            PodCondition kept = new PodCondition();
            kept.setType("Ready");
            kept.setStatus(intern(c.getStatus()));
            kept.setAdditionalProperties(Map.of());
            ready.add(kept);
          }
        }
      }
      slimStatus.setConditions(ready);
    }
    pod.setStatus(slimStatus);
    pod.setAdditionalProperties(Map.of());
  }

  /** ReplicaSets are never workloads: identity, owner and the revision annotation. */
  static void replicaSet(ReplicaSet replicaSet) {
    replicaSet.setMetadata(identity(replicaSet.getMetadata(), true, List.of(),
        List.of(CurrentRevisionPods.DEPLOYMENT_REVISION)));
    replicaSet.setSpec(new ReplicaSetSpec());
    replicaSet.setStatus(null);
    replicaSet.setAdditionalProperties(Map.of());
  }

  /** A Job with a controller belongs to its CronJob: identity, owner and creation time. */
  static void job(Job job) {
    if (!ControllerRefs.hasController(job)) {
      metadata(job);
      return;
    }
    job.setMetadata(identity(job.getMetadata(), true, List.of(), List.of()));
    job.setSpec(new JobSpec());
    job.setStatus(null);
    job.setAdditionalProperties(Map.of());
  }

  private static ObjectMeta identity(ObjectMeta meta, boolean created, List<String> labels,
      List<String> annotations) {
    ObjectMeta kept = new ObjectMeta();
    if (meta == null) {
      return kept;
    }
    kept.setName(meta.getName());
    kept.setNamespace(intern(meta.getNamespace()));
    kept.setUid(meta.getUid());
    kept.setResourceVersion(meta.getResourceVersion());
    if (created) {
      kept.setCreationTimestamp(meta.getCreationTimestamp());
    }
    kept.setLabels(subset(meta.getLabels(), labels));
    kept.setAnnotations(subset(meta.getAnnotations(), annotations));
    List<OwnerReference> owners = new ArrayList<>(1);
    if (meta.getOwnerReferences() != null) {
      for (OwnerReference o : meta.getOwnerReferences()) {
        if (o != null) {
          OwnerReference ref = new OwnerReference();
          ref.setApiVersion(intern(o.getApiVersion()));
          ref.setKind(intern(o.getKind()));
          ref.setName(intern(o.getName()));
          ref.setUid(intern(o.getUid()));
          ref.setController(o.getController());
          ref.setAdditionalProperties(Map.of());
          owners.add(ref);
        }
      }
    }
    kept.setOwnerReferences(owners);
    kept.setFinalizers(List.of());
    kept.setManagedFields(List.of());
    kept.setAdditionalProperties(Map.of());
    return kept;
  }

  private static Map<String, String> subset(Map<String, String> all, List<String> keys) {
    if (all == null || keys.stream().noneMatch(all::containsKey)) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>(2);
    if (all != null) {
      for (String key : keys) {
        String value = all.get(key);
        if (value != null) {
          out.put(key, intern(value));
        }
      }
    }
    return out;
  }

  private static List<Container> containers(List<Container> all) {
    return keepEach(all, CacheTrimming::container);
  }

  private static List<EphemeralContainer> ephemeralContainers(List<EphemeralContainer> all) {
    return keepEach(all, CacheTrimming::ephemeralContainer);
  }

  private static List<ContainerStatus> statuses(List<ContainerStatus> all) {
    return keepEach(all, CacheTrimming::status);
  }

  /** The kept form of each item; null items are dropped, an empty list is the shared one. */
  private static <T> List<T> keepEach(List<T> all, UnaryOperator<T> keep) {
    if (all == null || all.isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>(all.size());
    for (T item : all) {
      if (item != null) {
        out.add(keep.apply(item));
      }
    }
    return out;
  }

  // Container and EphemeralContainer share no type; the shared empty collections replace the
  // fresh ones each new model object allocates.
  private static Container container(Container c) {
    Container kept = new Container();
    kept.setName(intern(c.getName()));
    kept.setImage(intern(c.getImage()));
    kept.setImagePullPolicy(intern(c.getImagePullPolicy()));
    kept.setArgs(List.of());
    kept.setCommand(List.of());
    kept.setEnv(List.of());
    kept.setEnvFrom(List.of());
    kept.setPorts(List.of());
    kept.setResizePolicy(List.of());
    kept.setRestartPolicyRules(List.of());
    kept.setVolumeDevices(List.of());
    kept.setVolumeMounts(List.of());
    kept.setAdditionalProperties(Map.of());
    return kept;
  }

  private static EphemeralContainer ephemeralContainer(EphemeralContainer c) {
    EphemeralContainer kept = new EphemeralContainer();
    kept.setName(intern(c.getName()));
    kept.setImage(intern(c.getImage()));
    kept.setImagePullPolicy(intern(c.getImagePullPolicy()));
    kept.setArgs(List.of());
    kept.setCommand(List.of());
    kept.setEnv(List.of());
    kept.setEnvFrom(List.of());
    kept.setPorts(List.of());
    kept.setResizePolicy(List.of());
    kept.setRestartPolicyRules(List.of());
    kept.setVolumeDevices(List.of());
    kept.setVolumeMounts(List.of());
    kept.setAdditionalProperties(Map.of());
    return kept;
  }

  private static ContainerStatus status(ContainerStatus s) {
    ContainerStatus kept = new ContainerStatus();
    kept.setName(intern(s.getName()));
    kept.setImageID(intern(s.getImageID()));
    kept.setAllocatedResources(Map.of());
    kept.setAllocatedResourcesStatus(List.of());
    kept.setVolumeMounts(List.of());
    kept.setAdditionalProperties(Map.of());
    return kept;
  }

  private static String intern(String value) {
    return value == null ? null : value.intern();
  }
}
