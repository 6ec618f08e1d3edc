package dev.vigil.operator;

/**
 * Why the operator stops, and the process exit code each reason ends in. A Deployment restarts
 * the container for every one of them; the code tells an operator (the human kind) which it was.
 */
public enum StopReason {

  /** SIGTERM (the kubelet), SIGINT (Ctrl-C) or a caller's close: a graceful stop, exit 0. */
  REQUESTED(0, "stop requested"),

  /** Another replica holds the Lease (taken over, or not renewed in time): exit 3. */
  LOST_LEADERSHIP(3, "lost the leader Lease"),

  /**
   * No successful call to the API server, or the controllers' watches down, for longer than
   * {@code --api-unreachable-timeout}: exit 4.
   */
  API_UNREACHABLE(4, "API server unreachable");

  /**
   * Exit code when a stop did not finish within {@code --shutdown-timeout} and the process was
   * halted.
   */
  public static final int EXIT_STOP_TIMEOUT = 5;

  private final int exitCode;
  private final String text;

  StopReason(int exitCode, String text) {
    this.exitCode = exitCode;
    this.text = text;
  }

  public int exitCode() {
    return exitCode;
  }

  @Override
  public String toString() {
    return text;
  }
}
