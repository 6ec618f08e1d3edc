package dev.vigil.registry;

import java.util.Locale;

/** Where a registry name from an image reference is reached over HTTP. */
public final class RegistryHosts {

  /** The registry name Docker's normalisation uses for Docker Hub. */
  public static final String DOCKER_HUB = "docker.io";

  /** The host that actually serves Docker Hub's distribution API. */
  public static final String DOCKER_HUB_API = "registry-1.docker.io";

  private RegistryHosts() {}

  /** The host[:port] serving the /v2/ API for a registry name from a normalised reference. */
  public static String apiHost(String registry) {
    return isDockerHub(registry) ? DOCKER_HUB_API : registry;
  }

  /** True for the names under which Docker Hub is known. */
  public static boolean isDockerHub(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    return r.equals(DOCKER_HUB) || r.equals("index.docker.io") || r.equals(DOCKER_HUB_API);
  }

  /** The host part of host[:port], without brackets for IPv6 literals. */
  public static String hostOnly(String hostAndPort) {
    if (hostAndPort.startsWith("[")) {
      int end = hostAndPort.indexOf(']');
      return end < 0 ? hostAndPort : hostAndPort.substring(1, end);
    }
    int colon = hostAndPort.lastIndexOf(':');
    return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
  }

  /**
   * True when the host is this machine: "localhost", 127.0.0.0/8 or ::1. Decided from the
   * name alone, never by DNS, so a hostile name cannot resolve its way into plain HTTP.
   */
  public static boolean isLoopback(String hostAndPort) {
    String host = hostOnly(hostAndPort).toLowerCase(Locale.ROOT);
    if (host.equals("localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    String[] octets = host.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String octet : octets) {
      if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }
}
