package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;

/** Reads the controlling owner reference of an object (the one with {@code controller: true}). */
final class ControllerRefs {

  private ControllerRefs() {}

  /** The controlling owner reference, or null when nothing controls the object. */
  static OwnerReference controllerOf(HasMetadata resource) {
    if (resource == null || resource.getMetadata() == null) {
      return null;
    }
    List<OwnerReference> owners = resource.getMetadata().getOwnerReferences();
    if (owners == null) {
      return null;
    }
    for (OwnerReference owner : owners) {
      if (owner != null && Boolean.TRUE.equals(owner.getController())) {
        return owner;
      }
    }
    return null;
  }

  static boolean hasController(HasMetadata resource) {
    return controllerOf(resource) != null;
  }

  /** True when the object's controller is of this kind and carries this uid. */
  static boolean isControlledBy(HasMetadata resource, String kind, String uid) {
    OwnerReference owner = controllerOf(resource);
    return owner != null && kind.equals(owner.getKind()) && uid != null && uid.equals(owner.getUid());
  }
}
