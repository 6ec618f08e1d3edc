package dev.vigil.rollout;

import dev.vigil.api.WorkloadKind;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies rollout decisions to workloads. Every step is one strategic merge patch ({@link
 * WorkloadPatch}) that carries the resourceVersion the caller read, so the API server refuses a
 * step computed from an outdated object (409, {@link WorkloadChangedException}) instead of
 * overwriting someone's change, and it writes the {@link RolloutAnnotation} in the same patch as
 * the change it describes. All state lives in that
 * annotation: any executor instance (e.g. after an operator restart) can continue a rollout another
 * one started, and repeating a step is a no-op.
 *
 * <p>Pass workloads as just read from the API server (or an informer cache).
 */
public final class RolloutExecutor {

  /**
   * The field manager Vigil's patches are recorded under in managedFields, so GitOps tools can tell
   * Vigil's changes apart (Argo CD: {@code managedFieldsManagers: [vigil]}).
   */
  public static final String FIELD_MANAGER = "vigil";

  private static final PatchContext STRATEGIC_MERGE =
      new PatchContext.Builder()
          .withPatchType(PatchType.STRATEGIC_MERGE)
          .withFieldManager(FIELD_MANAGER)
          .build();

  private final KubernetesClient client;
  private final Clock clock;

  public RolloutExecutor(KubernetesClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Patches the workload onto the decision's candidate: PinDigest sets the container image to
   * {@code repo:tag@digest} (repository as written), Restart sets the pod-template annotation
   * {@value RolloutAnnotation#RESTARTED_AT}; both record the annotation, phase RollingOut (for a
   * CronJob RolledOut at once: its next runs use the new template).
   *
   * @return the annotation now on the workload; when the workload already records a rollout of this
   *     container to this digest (in any phase), that one, and nothing is patched
   * @throws MalformedRolloutAnnotationException when the workload's annotation is unreadable
   * @throws IllegalStateException when another rollout on the workload is still in flight
   * @throws IllegalArgumentException when the decision does not start a rollout, or the container
   *     or kind does not fit
   * @throws WorkloadChangedException when the workload changed since it was read
   */
  public RolloutAnnotation start(Workload workload, String container, Decision decision) {
    if (!(decision.action() instanceof RolloutAction.StartRollout start)) {
      throw new IllegalArgumentException(
          "decision "
              + decision.state()
              + " does not start a rollout (action "
              + decision.action()
              + ")");
    }
    Template template = Template.of(workload);
    HasMetadata resource = workload.resource();
    RolloutAnnotation existing = RolloutAnnotation.read(resource).orElse(null);
    if (existing != null) {
      if (existing.container().equals(container) && existing.to().equals(start.toDigest())) {
        return existing;
      }
      if (existing.phase() == RolloutPhase.RollingOut) {
        throw new IllegalStateException(
            describe(workload)
                + " is still rolling out container "
                + existing.container()
                + " to "
                + existing.to()
                + "; finish or roll back that rollout first");
      }
    }
    Slot slot = template.container(container);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String previousImage = slot.container().getImage();
    WorkloadPatch patch = new WorkloadPatch(resourceVersion(resource), template.path());
    String previousRestartedAt = null;
    if (start.method() == RolloutMethod.PinDigest) {
      String pinned = ImagePin.pin(previousImage, start.target().tag(), start.toDigest());
      patch.image(slot.field(), container, pinned);
    } else {
      previousRestartedAt =
          template.annotations() == null
              ? null
              : template.annotations().get(RolloutAnnotation.RESTARTED_AT);
      patch.templateAnnotation(RolloutAnnotation.RESTARTED_AT, now.toString());
    }
    RolloutPhase phase =
        workload.kind() == WorkloadKind.CronJob ? RolloutPhase.RolledOut : RolloutPhase.RollingOut;
    RolloutAnnotation annotation =
        new RolloutAnnotation(
            container,
            start.fromDigest(),
            start.toDigest(),
            previousImage,
            start.method(),
            start.policy(),
            now,
            phase,
            previousRestartedAt);
    patch.annotation(RolloutAnnotation.KEY, annotation.format());
    apply(workload, template, patch);
    return annotation;
  }

  /**
   * How the rollout recorded on the workload is doing: the controller's status (see {@link
   * ProgressEvaluator}), failed once {@code progressDeadline} has passed since it started, and
   * failed when the container no longer carries the pinned digest (someone changed it).
   *
   * @throws IllegalStateException when the workload records no rollout
   */
  public Progress progress(Workload workload, Duration progressDeadline) {
    RolloutAnnotation annotation = required(workload);
    switch (annotation.phase()) {
      case RolledOut:
        return Progress.succeeded("recorded as RolledOut");
      case RolledBack:
        return Progress.failed("recorded as RolledBack");
      case Failed:
        return Progress.failed("recorded as Failed");
      case RollingOut:
        break;
    }
    Template template = Template.of(workload);
    if (annotation.method() == RolloutMethod.PinDigest) {
      String image = template.container(annotation.container()).container().getImage();
      if (!annotation.to().equals(ImagePin.digestOf(image))) {
        return Progress.failed(
            "container "
                + annotation.container()
                + " image was changed to "
                + image
                + " while rolling out to "
                + annotation.to());
      }
    }
    Progress status = ProgressEvaluator.of(workload.kind(), workload.resource());
    Instant deadline = annotation.deadline(progressDeadline);
    if (status.status() == Progress.Status.InProgress && !clock.instant().isBefore(deadline)) {
      return Progress.failed(
          "not rolled out within "
              + progressDeadline.toSeconds()
              + "s of "
              + annotation.startedAt()
              + " ("
              + status.detail()
              + ")");
    }
    return status;
  }

  /**
   * Restores the exact previous image string (PinDigest) or the previous pod-template {@value
   * RolloutAnnotation#RESTARTED_AT} (Restart) and records phase RolledBack. When the container
   * meanwhile runs an image that is neither Vigil's nor the previous one, that change is left alone
   * and phase Failed is recorded instead.
   *
   * @return the annotation now on the workload (unchanged when already RolledBack)
   * @throws IllegalStateException when the workload records no rollout
   * @throws WorkloadChangedException when the workload changed since it was read
   */
  public RolloutAnnotation rollback(Workload workload) {
    RolloutAnnotation annotation = required(workload);
    if (annotation.phase() == RolloutPhase.RolledBack) {
      return annotation;
    }
    Template template = Template.of(workload);
    Slot slot = template.container(annotation.container());
    String image = slot.container().getImage();
    WorkloadPatch patch = new WorkloadPatch(resourceVersion(workload.resource()), template.path());
    RolloutPhase result = RolloutPhase.RolledBack;
    if (annotation.method() == RolloutMethod.PinDigest) {
      if (annotation.to().equals(ImagePin.digestOf(image))) {
        patch.image(slot.field(), annotation.container(), annotation.previousImage());
      } else if (!image.equals(annotation.previousImage())) {
        result = RolloutPhase.Failed;
      }
    } else if (!image.equals(annotation.previousImage())) {
      result = RolloutPhase.Failed;
    } else if (annotation.previousRestartedAt() == null) {
      if (template.annotations() != null
          && template.annotations().containsKey(RolloutAnnotation.RESTARTED_AT)) {
        patch.templateAnnotation(RolloutAnnotation.RESTARTED_AT, null);
      }
    } else {
      patch.templateAnnotation(RolloutAnnotation.RESTARTED_AT, annotation.previousRestartedAt());
    }
    return record(workload, template, patch, annotation.withPhase(result));
  }

  /**
   * Records phase RolledOut. The annotation stays on the workload: it explains to GitOps tools and
   * people why the image differs from Git (docs/gitops.md).
   *
   * @return the annotation now on the workload (unchanged when already RolledOut)
   * @throws IllegalStateException when no rollout is recorded or it ended otherwise
   */
  public RolloutAnnotation finish(Workload workload) {
    return conclude(workload, RolloutPhase.RolledOut);
  }

  /**
   * Records phase Failed for a rollout that failed and is left in place (rollback.onFailure false),
   * so that it is not watched again.
   */
  public RolloutAnnotation markFailed(Workload workload) {
    return conclude(workload, RolloutPhase.Failed);
  }

  private RolloutAnnotation conclude(Workload workload, RolloutPhase result) {
    RolloutAnnotation annotation = required(workload);
    if (annotation.phase() == result) {
      return annotation;
    }
    if (annotation.phase() != RolloutPhase.RollingOut) {
      throw new IllegalStateException(
          "cannot record "
              + result
              + " for the rollout on "
              + describe(workload)
              + ": it is "
              + annotation.phase());
    }
    Template template = Template.of(workload);
    WorkloadPatch patch = new WorkloadPatch(resourceVersion(workload.resource()), template.path());
    return record(workload, template, patch, annotation.withPhase(result));
  }

  private RolloutAnnotation record(
      Workload workload, Template template, WorkloadPatch patch, RolloutAnnotation annotation) {
    patch.annotation(RolloutAnnotation.KEY, annotation.format());
    apply(workload, template, patch);
    return annotation;
  }

  private static RolloutAnnotation required(Workload workload) {
    return RolloutAnnotation.read(workload.resource())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    describe(workload)
                        + " has no "
                        + RolloutAnnotation.KEY
                        + " annotation: no rollout to act on"));
  }

  private void apply(Workload workload, Template template, WorkloadPatch patch) {
    try {
      patch(template.type(), workload, patch.toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new WorkloadChangedException(
            describe(workload)
                + " changed since it was read (resourceVersion "
                + workload.resource().getMetadata().getResourceVersion()
                + "); read it again and plan again: "
                + (e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage()
                    : e.getMessage()),
            e);
      }
      throw e;
    }
  }

  private <T extends HasMetadata> void patch(Class<T> type, Workload workload, String patch) {
    client
        .resources(type)
        .inNamespace(workload.namespace())
        .withName(workload.name())
        .patch(STRATEGIC_MERGE, patch);
  }

  private static String resourceVersion(HasMetadata resource) {
    String version = resource.getMetadata().getResourceVersion();
    if (version == null || version.isEmpty()) {
      throw new IllegalArgumentException(
          resource.getKind()
              + " "
              + resource.getMetadata().getName()
              + " has no resourceVersion: pass the object as read from the API server");
    }
    return version;
  }

  private static String describe(Workload workload) {
    return workload.kind() + " " + workload.namespace() + "/" + workload.name();
  }

  /** A container in the pod template, and the list it is in ("containers", "initContainers"). */
  private record Slot(Container container, String field) {}

  private static final List<String> SPEC_TEMPLATE = List.of("spec", "template");
  private static final List<String> JOB_TEMPLATE = List.of("spec", "jobTemplate", "spec", "template");

  /** Where a kind keeps its pod template: the fields leading to it. */
  private record Template(
      Class<? extends HasMetadata> type, List<String> path, PodTemplateSpec spec, Workload workload) {

    static Template of(Workload workload) {
      HasMetadata r = workload.resource();
      return switch (workload.kind()) {
        case Deployment ->
            new Template(
                Deployment.class,
                SPEC_TEMPLATE,
                ((Deployment) r).getSpec().getTemplate(),
                workload);
        case StatefulSet ->
            new Template(
                StatefulSet.class,
                SPEC_TEMPLATE,
                ((StatefulSet) r).getSpec().getTemplate(),
                workload);
        case DaemonSet ->
            new Template(
                DaemonSet.class,
                SPEC_TEMPLATE,
                ((DaemonSet) r).getSpec().getTemplate(),
                workload);
        case CronJob ->
            new Template(
                CronJob.class,
                JOB_TEMPLATE,
                ((CronJob) r).getSpec().getJobTemplate().getSpec().getTemplate(),
                workload);
        case Job, Pod ->
            throw new IllegalArgumentException(
                "a "
                    + workload.kind()
                    + "'s pod template cannot be changed: "
                    + describe(workload)
                    + " is not rolled out");
      };
    }

    Map<String, String> annotations() {
      return spec.getMetadata() == null ? null : spec.getMetadata().getAnnotations();
    }

    Slot container(String name) {
      Slot slot = find(spec.getSpec().getContainers(), "containers", name);
      if (slot == null) {
        slot = find(spec.getSpec().getInitContainers(), "initContainers", name);
      }
      if (slot == null) {
        throw new IllegalArgumentException(
            describe(workload) + " has no container or init container named \"" + name + "\"");
      }
      return slot;
    }

    private Slot find(List<Container> containers, String field, String name) {
      if (containers == null) {
        return null;
      }
      for (int i = 0; i < containers.size(); i++) {
        if (name.equals(containers.get(i).getName())) {
          return new Slot(containers.get(i), field);
        }
      }
      return null;
    }
  }
}
