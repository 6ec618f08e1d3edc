package dev.vigil.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.OperatorProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The shaded jar, as its ServiceAccount with the rendered config/default RBAC, on a real API server. */
class OperatorJarStartsIT {

  @Test
  void jarBecomesReadyAsItsServiceAccountAndExitsZeroOnSigterm() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("jar-start");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    try (OperatorProcess operator = OperatorProcess.start(install.kubeconfig(), Map.of(),
        "--namespace", ns, "--no-leader-election", "--vulndb", "none",
        "--data-dir", Files.createTempDirectory("vigil-data").toString())) {
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
          .failFast("operator exited:\n" + operator.log(), () -> !operator.process().isAlive())
          .until(() -> operator.status("/readyz") == 200);
      assertEquals(0, operator.terminate(Duration.ofSeconds(30)), operator.log());
    }
  }
}
