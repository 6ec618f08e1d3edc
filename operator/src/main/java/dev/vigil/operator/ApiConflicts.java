package dev.vigil.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Recognises an API server's 409 Conflict anywhere in an exception's causes. */
final class ApiConflicts {

  private ApiConflicts() {}

  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 409) {
        return true;
      }
    }
    return false;
  }
}
