package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.Severity;
import dev.vigil.testsupport.ApplicationDependencyImage;
import dev.vigil.testsupport.ApplicationDependencyImage.Finding;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #11 "Done when", through the operator: with the standard readers (the operator's
 * default), running as the read-only install's ServiceAccount on the real API server, a workload
 * running the end-to-end image of {@link ApplicationDependencyImage} gets an ImageReport listing
 * exactly the expected advisories with ecosystem, path and layer, and counting them.
 */
class ApplicationDependenciesClusterScanTest {

  static KubeApi api;
  static KubernetesClient admin;
  static LocalRegistry registry;
  static RunningOperator operator;
  static PushedImage image;
  static String appNs;

  @BeforeAll
  static void setUp() throws Exception {
    api = KubeApi.shared().withCrds();
    ClusterFixture cluster = new ClusterFixture(api);
    admin = api.admin();
    registry = LocalRegistry.start();
    image = ApplicationDependencyImage.push(registry, "team/polyglot");

    String opNs = cluster.namespace("vigil-e2eapps", Map.of());
    Map<String, String> scanned = Map.of("vigil.dev/scan", opNs);
    appNs = cluster.namespace("polyglot-team", scanned);
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    cluster.deploymentWithPod(appNs, "shop",
        ClusterFixture.podSpec("shop", image.reference().toString(), null),
        Map.of("shop", ClusterFixture.imageId(registry.host() + "/team/polyglot", image.digest())));
    admin.resource(ClusterFixture.scheduleEvery2s(opNs, scanned)).create();

    // No withLanguagePackages: the operator's own default readers are under test.
    operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings(ApplicationDependencyImage.OSV.toString(), Set.of(appNs)))
        .start();
  }

  @AfterAll
  static void tearDown() {
    try {
      if (operator != null) {
        operator.close();
      }
    } finally {
      registry.close();
    }
  }

  @Test
  void theReportListsExactlyTheExpectedLanguageAdvisoriesWithEcosystemPathAndLayerAndCountsThem() {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      ImageReport r = admin.resources(ImageReport.class).inNamespace(appNs).withName("deployment-shop-shop").get();
      return r != null && r.getStatus() != null && r.getStatus().summary != null && r.getStatus().image != null
          && image.digest().equals(r.getStatus().image.digest) && r.getStatus().vulnerabilities != null
          && !r.getStatus().vulnerabilities.isEmpty();
    });
    ImageReportStatus status =
        admin.resources(ImageReport.class).inNamespace(appNs).withName("deployment-shop-shop").get().getStatus();

    List<Finding> found = status.vulnerabilities.stream()
        .map(v -> new Finding(v.id, v.ecosystem, v.packageName, v.installedVersion, v.path))
        .sorted(Comparator.comparing(Finding::toString)).toList();
    List<Finding> expected = ApplicationDependencyImage.EXPECTED.stream()
        .sorted(Comparator.comparing(Finding::toString)).toList();
    assertEquals(expected, found);

    ImageReportStatus.Vulnerability nested = status.vulnerabilities.stream()
        .filter(v -> v.path.endsWith("!/BOOT-INF/lib/jackson-databind-2.9.10.jar")).findFirst().orElseThrow();
    assertEquals(List.of("GHSA-57j2-w4cx-62h2"), nested.aliases);
    assertEquals("2.12.6.1", nested.fixedVersion);
    assertEquals(image.layerDigests().get(1), nested.layer);
    ImageReportStatus.Vulnerability log4shell = status.vulnerabilities.stream()
        .filter(v -> v.path.equals("/app/lib/reporting-1.0.jar")).findFirst().orElseThrow();
    assertEquals(Severity.Critical, log4shell.severity);
    assertNotNull(log4shell.link);

    ImageReportStatus.Summary s = status.summary;
    assertEquals(expected.size(), s.critical + s.high + s.medium + s.low + s.unknown, "every finding is counted once");
    assertEquals(expected.size(), (int) s.fixable);
    assertEquals(expected.stream().filter(f -> f.id().equals("CVE-2021-44228")).count(), (long) s.critical,
        "Log4Shell twice (plain and shaded) and nothing else is Critical");
  }
}
