package dev.vigil.rollout;

/**
 * The workload changed after it was read (another controller, a person, a GitOps sync), so a patch
 * computed from what was read was refused. Read it again and plan again.
 */
public class WorkloadChangedException extends RuntimeException {

  public WorkloadChangedException(String message, Throwable cause) {
    super(message, cause);
  }
}
