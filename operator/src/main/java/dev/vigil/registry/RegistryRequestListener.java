package dev.vigil.registry;

/**
 * Told about every HTTP exchange the client makes (including token requests, retries and
 * redirect hops), so that metrics can count {@code vigil_registry_requests_total{registry,code}}.
 * Called on the requesting thread; must be quick and must not throw.
 */
@FunctionalInterface
public interface RegistryRequestListener {

  /** A listener that does nothing. */
  RegistryRequestListener NONE = (registry, code) -> {};

  /**
   * @param registry the registry the request was made for, as in image references
   *     ("docker.io", "127.0.0.1:5000"), also for token and redirect hops to other hosts
   * @param code the HTTP status code ("200", "404", ...) or "error" when no response came
   */
  void onRequest(String registry, String code);
}
