package dev.vigil.testsupport;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Retries a read-modify-write of a test when the server answers 409 Conflict. fabric8's
 * {@code edit} sends the resourceVersion it read, so an object that a controller or the operator
 * writes meanwhile (a Deployment's status, a CR's status) refuses the edit; a user's kubectl
 * retries the same way.
 */
public final class Conflicts {

  private static final int ATTEMPTS = 10;

  private Conflicts() {}

  public static <T> T retry(Supplier<T> readModifyWrite) {
    for (int attempt = 1; ; attempt++) {
      try {
        return readModifyWrite.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
