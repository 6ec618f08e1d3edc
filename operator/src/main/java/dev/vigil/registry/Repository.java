package dev.vigil.registry;

import java.util.Objects;

/**
 * A repository on a registry, without tag or digest.
 *
 * @param registry registry as written in normalised references ("docker.io", "ghcr.io",
 *     "localhost:5000"); the API host may differ, see {@link RegistryHosts#apiHost(String)}
 * @param name repository path on that registry ("library/nginx")
 */
public record Repository(String registry, String name) {

  public Repository {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(name, "name");
  }

  /** {@code registry/name}. */
  @Override
  public String toString() {
    return registry + "/" + name;
  }
}
