package dev.vigil.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A username and password for a registry (or for its token service).
 *
 * <p>{@link #toString()} never shows the password.
 */
public record Credential(String username, String password) {

  public Credential {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The value of an HTTP Basic Authorization header. */
  public String basicAuthorization() {
    String pair = username + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credential[username=" + username + ", password=***]";
  }
}
