package dev.vigil.operator;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where the registry webhook receiver listens and which Secret key holds its shared secret.
 *
 * @param address bind address and port
 * @param secret the Secret key the shared secret is read from at start
 */
public record WebhookOptions(InetSocketAddress address, SecretKeyRef secret) {

  public WebhookOptions {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(secret, "secret");
  }

  /**
   * A key of a Secret.
   *
   * @param namespace the Secret's namespace
   * @param name the Secret's name
   * @param key the key in its data
   */
  public record SecretKeyRef(String namespace, String name, String key) {

    /**
     * Parses NAMESPACE/NAME/KEY.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static SecretKeyRef parse(String text) {
      String[] parts = text == null ? new String[0] : text.split("/", -1);
      if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
        throw new IllegalArgumentException("expected NAMESPACE/NAME/KEY, got '" + text + "'");
      }
      return new SecretKeyRef(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
      return namespace + "/" + name + "/" + key;
    }
  }
}
