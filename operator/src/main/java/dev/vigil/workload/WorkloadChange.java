package dev.vigil.workload;

import dev.vigil.api.WorkloadKind;

/**
 * Something happened to a workload that may call for a scan.
 *
 * @param kind the workload's kind
 * @param namespace its namespace
 * @param name its name
 * @param type what happened
 */
public record WorkloadChange(WorkloadKind kind, String namespace, String name, Type type) {

  /** What happened. */
  public enum Type {
    /** The workload appeared (also for every existing workload when the informers first list). */
    Added,
    /** The images of its pod template changed (container added, removed or re-imaged). */
    ImagesChanged,
    /** One of its pods reported a registry digest not seen before for that container. */
    DigestChanged,
    /** The workload is gone. */
    Deleted
  }
}
