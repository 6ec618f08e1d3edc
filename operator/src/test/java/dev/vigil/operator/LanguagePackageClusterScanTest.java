package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.TestImages;
import dev.vigil.testsupport.TestLanguageReaders;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator, as the read-only install's ServiceAccount on the real API server, scans a
 * workload whose image (built here, in the local registry) holds a vulnerable npm package, and
 * writes an ImageReport that lists it with its ecosystem, path and layer, counts it, and judges
 * it by the workload's policy.
 */
class LanguagePackageClusterScanTest {

  static final Path OSV = Path.of("src/test/resources/appseam/osv").toAbsolutePath();
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
    image = registry.pusher().push("team/node-web", "2.0", TestImages.image()
        .layer(l -> l
            .file("app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.20\"}")
            .file("app/node_modules/lodash-es/package.json", "{\"name\":\"lodash-es\",\"version\":\"4.17.21\"}"))
        .layer(l -> l.file("app/server.js", "require('lodash')\n"))
        .build());

    String opNs = cluster.namespace("vigil-lang-scan", Map.of());
    Map<String, String> scanned = Map.of("vigil.dev/scan", opNs);
    appNs = cluster.namespace("node-team", scanned);
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    cluster.deploymentWithPod(appNs, "web",
        ClusterFixture.podSpec("web", image.reference().toString(), null),
        Map.of("web", ClusterFixture.imageId(registry.host() + "/team/node-web", image.digest())));

    ImagePolicy policy = ClusterFixture.policy(appNs, "team");
    policy.getSpec().vulnerabilities.failOn = SeverityThreshold.High;
    admin.resource(policy).create();
    admin.resource(ClusterFixture.scheduleEvery2s(opNs, scanned)).create();

    operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings(OSV.toString(), Set.of(appNs))
            .withLanguagePackages(TestLanguageReaders.npm()))
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
  void theReportListsTheNpmVulnerabilityWithEcosystemPathAndLayerAndThePolicyCountsIt() {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      ImageReport r = admin.resources(ImageReport.class).inNamespace(appNs).withName("deployment-web-web").get();
      return r != null && r.getStatus() != null && r.getStatus().compliance != null
          && !r.getStatus().compliance.policies.isEmpty();
    });
    ImageReportStatus status =
        admin.resources(ImageReport.class).inNamespace(appNs).withName("deployment-web-web").get().getStatus();

    assertEquals(image.digest(), status.image.digest);
    assertNull(status.image.os, "no OS in the image");
    assertEquals(1, status.vulnerabilities.size(), "lodash-es 4.17.21 is fixed");
    ImageReportStatus.Vulnerability v = status.vulnerabilities.get(0);
    assertEquals("CVE-2021-23337", v.id);
    assertEquals(List.of("GHSA-35jh-r3h4-6jhm"), v.aliases);
    assertEquals("lodash", v.packageName);
    assertEquals("npm", v.ecosystem);
    assertEquals("/app/node_modules/lodash/package.json", v.path);
    assertEquals("4.17.20", v.installedVersion);
    assertEquals("4.17.21", v.fixedVersion);
    assertEquals(image.layerDigests().get(0), v.layer);
    assertEquals(1, status.summary.high);
    assertEquals(1, status.summary.fixable);
    assertEquals(List.of("team"), status.compliance.policies);
    assertEquals(false, status.compliance.compliant);
    assertEquals(List.of("1 High vulnerability"), status.compliance.reasons);
  }

  @Test
  void laterRunsLeaveTheReportOfAnImageWithoutAnOsAloneWithoutAskingTheScanService() throws Exception {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      ImageReport r = admin.resources(ImageReport.class).inNamespace(appNs).withName("deployment-web-web").get();
      return r != null && r.getStatus() != null && r.getStatus().scan != null;
    });
    String written = admin.resources(ImageReport.class).inNamespace(appNs).withName("deployment-web-web").get()
        .getMetadata().getResourceVersion();
    double cachedBefore = cachedScans();
    // The schedule runs every 2 s: several runs go over the workload meanwhile.
    Thread.sleep(7_000);
    assertEquals(cachedBefore, cachedScans(),
        "an up-to-date report of an image without an OS is recognised from its inputs, not re-matched");
    assertEquals(written, admin.resources(ImageReport.class).inNamespace(appNs).withName("deployment-web-web")
        .get().getMetadata().getResourceVersion(), "and never rewritten");
  }

  private static double cachedScans() throws Exception {
    String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith("vigil_scans_total{") && l.contains("result=\"cached\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
