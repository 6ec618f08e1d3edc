package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.List;

/**
 * VIG-WL-016. With the latest tag and imagePullPolicy IfNotPresent or Never, each node keeps
 * whatever "latest" was when it first pulled: replicas of one workload run different builds, and a
 * restart does not pick up a rebuilt image. Kubernetes defaults the policy to Always for latest, so
 * only a policy written out fires. Pinned digests and release tags are not judged here.
 */
final class PullPolicyCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-016";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Mutable latest tag not pulled on every start";
  }

  @Override
  public String remediation() {
    return "Pin the image by digest; until then set imagePullPolicy: Always (or remove the field)"
        + " so every start gets the same image.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    PodImage image = PodImage.of(context.container().image());
    String policy = context.container().imagePullPolicy();
    if (!image.isMutableTag() || policy == null || policy.equals("Always")) {
      return List.of();
    }
    return List.of(
        context.paths().container("imagePullPolicy") + " is " + policy + " for " + image.written());
  }
}
