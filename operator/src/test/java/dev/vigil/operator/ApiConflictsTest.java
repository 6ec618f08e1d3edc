package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class ApiConflictsTest {

  @Test
  void aConflictIsFoundAmongTheCausesAndOtherCodesAreNot() {
    KubernetesClientException conflict = new KubernetesClientException(new StatusBuilder().withCode(409).build());
    assertTrue(ApiConflicts.isConflict(conflict));
    assertTrue(ApiConflicts.isConflict(new RuntimeException("reconcile", conflict)));
    assertFalse(ApiConflicts.isConflict(new KubernetesClientException(new StatusBuilder().withCode(422).build())));
    assertFalse(ApiConflicts.isConflict(new IllegalStateException("no API error")));
  }
}
