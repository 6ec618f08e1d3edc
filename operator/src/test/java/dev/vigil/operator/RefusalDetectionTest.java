package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.RunningOperator;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The check every operator test relies on: a request the API server refuses, or a log line about
 * one, fails the test when the operator stops, even where the product only logs it.
 */
class RefusalDetectionTest {

  @Test
  void aRefusedRequestOrALoggedRefusalFailsTheOperatorsStop() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String opNs = new ClusterFixture(api).namespace("vigil-refusals", Map.of());
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    RunningOperator operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings("none", Set.of(opNs))).start();
    boolean stopped = false;
    try {
      KubernetesClientException denied = assertThrows(KubernetesClientException.class,
          () -> operator.client().secrets().inNamespace(opNs).list());
      assertEquals(403, denied.getCode());
      LoggerFactory.getLogger(RefusalDetectionTest.class).warn("could not read: {}",
          "configmaps \"x\" is forbidden: User \"system:serviceaccount:" + opNs + ":vigil\" cannot list");
      assertTrue(operator.forbidden().contains("403 GET /api/v1/namespaces/" + opNs + "/secrets"),
          operator.forbidden().toString());

      AssertionError failed = assertThrows(AssertionError.class, operator::close);
      stopped = true;
      assertTrue(failed.getMessage().contains("403 GET /api/v1/namespaces/" + opNs + "/secrets"), failed.getMessage());
      assertTrue(failed.getMessage().contains("log WARN " + RefusalDetectionTest.class.getName()
          + ": could not read: configmaps \"x\" is forbidden"), failed.getMessage());
    } finally {
      if (!stopped) {
        operator.expectForbidden(".").close();
      }
    }
  }
}
