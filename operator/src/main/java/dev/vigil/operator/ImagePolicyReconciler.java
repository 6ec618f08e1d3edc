package dev.vigil.operator;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicyStatus;
import dev.vigil.policy.ImagePolicyValidator;
import dev.vigil.policy.ReferenceLookup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Validates ImagePolicies and reports how many workloads each selects. Periodic resyncs pick
 * up Secrets, ConfigMaps and workloads that appear later.
 */
@ControllerConfiguration(
    name = "imagepolicy",
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class ImagePolicyReconciler implements Reconciler<ImagePolicy> {

  public static final String REASON_VALID = "Valid";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_RECONCILE_ERROR = "ReconcileError";

  private final KubernetesClient client;
  private final PolicyScope scope;
  private final EventRecorder events;
  private final OperatorSettings settings;

  public ImagePolicyReconciler(
      KubernetesClient client, PolicyScope scope, EventRecorder events, OperatorSettings settings) {
    this.client = client;
    this.scope = scope;
    this.events = events;
    this.settings = settings;
  }

  @Override
  public UpdateControl<ImagePolicy> reconcile(ImagePolicy policy, Context<ImagePolicy> context) {
    ImagePolicyStatus before = policy.getStatus();
    ImagePolicyStatus status = StatusDiff.copy(before, ImagePolicyStatus.class);
    if (status == null) {
      status = new ImagePolicyStatus();
    }
    Long generation = policy.getMetadata().getGeneration();
    String namespace = policy.getMetadata().getNamespace();
    List<String> problems = ImagePolicyValidator.validate(policy.getSpec(), references(namespace));
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      Conditions.set(status, Conditions.READY, Conditions.FALSE, REASON_INVALID_SPEC, message,
          generation, settings.clock());
      status.matchedWorkloads = 0;
      events.publish(policy, EventRecorder.Type.Warning, REASON_INVALID_SPEC, message);
    } else {
      int matched = scope.matchedWorkloads(policy);
      status.matchedWorkloads = matched;
      Conditions.set(status, Conditions.READY, Conditions.TRUE, REASON_VALID,
          "policy is valid and selects " + matched + (matched == 1 ? " workload" : " workloads"),
          generation, settings.clock());
    }
    status.observedGeneration = generation;
    if (StatusDiff.same(before, status)) {
      return UpdateControl.noUpdate();
    }
    policy.setStatus(status);
    return UpdateControl.patchStatus(policy);
  }

  @Override
  public ErrorStatusUpdateControl<ImagePolicy> updateErrorStatus(
      ImagePolicy policy, Context<ImagePolicy> context, Exception e) {
    if (ApiConflicts.isConflict(e)) {
      // A 409 only says the status was written from a stale copy (e.g. right after start-up):
      // the retry reconciles from the fresh object, so Ready must not flap to False meanwhile.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    ImagePolicyStatus status = StatusDiff.copy(policy.getStatus(), ImagePolicyStatus.class);
    if (status == null) {
      status = new ImagePolicyStatus();
    }
    Conditions.set(status, Conditions.READY, Conditions.FALSE, REASON_RECONCILE_ERROR,
        "reconcile failed, retrying: " + e.getMessage(), policy.getMetadata().getGeneration(),
        settings.clock());
    policy.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(policy);
  }

  private ReferenceLookup references(String namespace) {
    return (kind, name, key) -> {
      if (kind == ReferenceLookup.Kind.Secret) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
          return "Secret " + namespace + "/" + name + " does not exist";
        }
        boolean has = (secret.getData() != null && secret.getData().containsKey(key))
            || (secret.getStringData() != null && secret.getStringData().containsKey(key));
        return has ? null : "Secret " + namespace + "/" + name + " has no key '" + key + "'";
      }
      ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
      if (map == null) {
        return "ConfigMap " + namespace + "/" + name + " does not exist";
      }
      boolean has = (map.getData() != null && map.getData().containsKey(key))
          || (map.getBinaryData() != null && map.getBinaryData().containsKey(key));
      return has ? null : "ConfigMap " + namespace + "/" + name + " has no key '" + key + "'";
    };
  }
}
