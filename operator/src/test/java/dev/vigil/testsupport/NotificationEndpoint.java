package dev.vigil.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the local registry sends its event notifications (distribution's
 * {@code notifications.endpoints} entry).
 *
 * @param name endpoint name, shown in the registry's log
 * @param url where events are POSTed
 * @param headers static headers added to each notification request
 * @param timeout HTTP timeout per notification
 * @param threshold failures before the registry backs off
 * @param backoff how long the registry backs off after {@code threshold} failures
 */
public record NotificationEndpoint(
    String name,
    URI url,
    Map<String, List<String>> headers,
    Duration timeout,
    int threshold,
    Duration backoff) {

  /** An endpoint with short timeouts suited to tests. */
  public static NotificationEndpoint of(String name, URI url, Map<String, List<String>> headers) {
    return new NotificationEndpoint(
        name, url, headers, Duration.ofSeconds(2), 3, Duration.ofMillis(200));
  }
}
