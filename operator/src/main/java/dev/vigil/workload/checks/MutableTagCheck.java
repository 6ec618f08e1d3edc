package dev.vigil.workload.checks;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import java.util.List;

/**
 * VIG-WL-015. "latest", written or implied by leaving the tag out, is the tag every push moves:
 * nodes pulling at different times run different code, a rollback has nothing to go back to, and a
 * report cannot say which build it judged. Other tags can move too, but are at least meant to name
 * a release; a digest pins the content whatever the tag says.
 */
final class MutableTagCheck implements WorkloadCheck {

  @Override
  public String id() {
    return "VIG-WL-015";
  }

  @Override
  public Finding.Category category() {
    return Finding.Category.Workload;
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Medium;
  }

  @Override
  public String title() {
    return "Image referenced by the mutable latest tag";
  }

  @Override
  public String remediation() {
    return "Reference a release tag and pin the digest (registry/app:1.4.2@sha256:...), or let"
        + " Vigil's updates.method PinDigest write the digest for you.";
  }

  @Override
  public List<String> evaluate(ContainerContext context) {
    PodImage image = PodImage.of(context.container().image());
    if (!image.isMutableTag()) {
      return List.of();
    }
    String field = context.paths().container("image");
    return image.hasWrittenTag()
        ? List.of(field + " " + image.written() + " uses the latest tag without a digest")
        : List.of(field + " " + image.written() + " has no tag (means latest) and no digest");
  }
}
