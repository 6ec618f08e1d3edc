package dev.vigil.webhook;

/**
 * Told that a registry says a repository's tag (or a manifest) changed. Called on the receiver's
 * own worker threads, never on an HTTP thread; it should re-check the registry rather than trust
 * the event, since a webhook only says where to look.
 */
@FunctionalInterface
public interface PushListener {

  void onPush(PushEvent event);

  /**
   * Whether pushes are acted on now. A listener that is not (a standby replica) makes the receiver
   * answer 503, so that the registry retries and the retry can reach the replica that acts,
   * instead of a 202 for a push nobody handles.
   */
  default boolean accepting() {
    return true;
  }
}
