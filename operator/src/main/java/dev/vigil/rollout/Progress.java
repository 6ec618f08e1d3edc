package dev.vigil.rollout;

import java.util.Objects;

/**
 * How far a rollout has got, as its workload's status and Vigil's own deadline tell.
 *
 * @param status in progress, succeeded or failed
 * @param detail what the status is based on, for reasons and events
 */
public record Progress(Status status, String detail) {

  /** Outcome so far. */
  public enum Status {
    InProgress,
    Succeeded,
    Failed
  }

  public Progress {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }

  public static Progress inProgress(String detail) {
    return new Progress(Status.InProgress, detail);
  }

  public static Progress succeeded(String detail) {
    return new Progress(Status.Succeeded, detail);
  }

  public static Progress failed(String detail) {
    return new Progress(Status.Failed, detail);
  }
}
