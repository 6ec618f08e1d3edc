package dev.vigil.rollout;

/**
 * A workload's {@code vigil.dev/rollout} annotation cannot be read. Vigil then neither acts on nor
 * overwrites it: a person has to look (and remove or fix it).
 */
public class MalformedRolloutAnnotationException extends IllegalArgumentException {

  public MalformedRolloutAnnotationException(String message) {
    super(message);
  }

  public MalformedRolloutAnnotationException(String message, Throwable cause) {
    super(message, cause);
  }
}
