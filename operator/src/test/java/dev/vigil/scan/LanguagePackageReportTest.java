package dev.vigil.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.Severity;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.image.ImageConfig;
import dev.vigil.inventory.Inventory;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.vulndb.VulnerabilityMatch;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Language-package vulnerabilities in reports: identified by ecosystem and path, counted,
 * judged by policies (ignoreUnfixed, ignore entries naming a language package), and capped
 * without losing the most severe or the exact counts, on the real API server.
 */
class LanguagePackageReportTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T00:00:00Z"), ZoneOffset.UTC);
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 1);
  private static final String LAYER = "sha256:" + "ab".repeat(32);

  static VulnerabilityMatch app(String id, String ecosystem, String name, String version, String fixed,
      Severity severity, String path) {
    return new VulnerabilityMatch(id, List.of("GHSA-" + id.hashCode()), name, null, version, fixed, fixed != null,
        severity, null, id + " in " + name, LAYER, "https://osv.dev/vulnerability/" + id, ecosystem, path);
  }

  static VulnerabilityMatch os(String id, String name, String source, Severity severity) {
    return new VulnerabilityMatch(id, List.of(), name, source, "1.0-1", "1.0-2", true, severity, 7.5,
        id + " in " + name, LAYER, null, null, null);
  }

  static ImageAnalysis analysis() {
    return new ImageAnalysis(ImageReference.parse("registry.example/app:1"), "sha256:" + "cd".repeat(32), null,
        Platform.LINUX_AMD64, ImageConfig.parse("{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8)),
        new Inventory(null, List.of(), List.of()), List.of(), List.of(LAYER), 0, CLOCK.instant(), Duration.ofSeconds(1));
  }

  @Test
  void aLanguagePackageVulnerabilityCarriesItsEcosystemAndPathAndCopiesAreListedApart() {
    List<VulnerabilityMatch> matches = List.of(
        app("CVE-2021-23337", "npm", "lodash", "4.17.20", "4.17.21", Severity.High, "/srv/node_modules/lodash/package.json"),
        app("CVE-2021-23337", "npm", "lodash", "4.17.20", "4.17.21", Severity.High, "/app/node_modules/lodash/package.json"),
        os("CVE-2023-28321", "curl", "curl", Severity.Medium));
    ImageReportStatus status = new ReportStatusBuilder("vigil/test", 200, CLOCK).build("app:1", analysis(), null,
        List.of(), null, ComplianceEvaluator.evaluate(List.of(), matches, List.of(), null, TODAY), null);

    assertEquals(2, status.summary.high);
    assertEquals(1, status.summary.medium);
    assertEquals(3, status.summary.fixable);
    ImageReportStatus.Vulnerability first = status.vulnerabilities.get(0);
    assertEquals("npm", first.ecosystem);
    assertEquals("/app/node_modules/lodash/package.json", first.path, "copies sorted by path");
    assertEquals("/srv/node_modules/lodash/package.json", status.vulnerabilities.get(1).path);
    assertEquals(null, first.sourcePackage);
    ImageReportStatus.Vulnerability curl = status.vulnerabilities.get(2);
    assertEquals(null, curl.ecosystem, "an OS package has no ecosystem or path");
    assertEquals(null, curl.path);
  }

  @Test
  void ignoreEntriesMayNameALanguagePackageByNameOrEcosystemSlashNameAndIgnoreUnfixedCoversThem() {
    VulnerabilityMatch lodash = app("CVE-2021-23337", "npm", "lodash", "4.17.20", "4.17.21", Severity.High,
        "/app/node_modules/lodash/package.json");
    VulnerabilityMatch requests = app("CVE-2023-32681", "PyPI", "Requests", "2.30.0", "2.31.0", Severity.Medium,
        "/usr/local/lib/python3.11/site-packages/requests-2.30.0.dist-info");
    VulnerabilityMatch unfixed = app("CVE-2099-0001", "Maven", "org.example:lib", "1.0", null, Severity.Critical,
        "/app/app.jar!/BOOT-INF/lib/lib-1.0.jar");
    List<VulnerabilityMatch> all = List.of(lodash, requests, unfixed);

    assertEquals(List.of(requests, unfixed), counted(all, ignore("CVE-2021-23337", "lodash")));
    assertEquals(List.of(requests, unfixed), counted(all, ignore("CVE-2021-23337", "npm/lodash")));
    assertEquals(all, counted(all, ignore("CVE-2021-23337", "PyPI/lodash")), "another ecosystem's lodash");
    assertEquals(all, counted(all, ignore("CVE-2021-23337", "curl")));
    assertEquals(List.of(lodash, unfixed), counted(all, ignore("GHSA-" + "CVE-2023-32681".hashCode(), "PyPI/requests")),
        "an alias, and the PyPI name compared as PEP 503 writes it");

    ImagePolicySpec.Vulnerabilities v = new ImagePolicySpec.Vulnerabilities();
    v.ignoreUnfixed = true;
    v.failOn = SeverityThreshold.Critical;
    Compliance compliance = ComplianceEvaluator.evaluate(List.of(new NamedPolicy("p", spec(v))), all, List.of(), null, TODAY);
    assertEquals(List.of(lodash, requests), compliance.counted());
    assertTrue(compliance.compliant(), "the unfixed Critical is not counted: " + compliance.reasons());

    v.ignoreUnfixed = false;
    Compliance strict = ComplianceEvaluator.evaluate(List.of(new NamedPolicy("p", spec(v))), all, List.of(), null, TODAY);
    assertFalse(strict.compliant());
    assertEquals(List.of("1 Critical vulnerability"), strict.reasons());
  }

  @Test
  void thousandsOfLanguagePackageFindingsKeepExactCountsTheMostSevereAndFitOnTheApiServer() {
    List<VulnerabilityMatch> matches = new ArrayList<>();
    Severity[] severities = Severity.values();
    for (int i = 0; i < 6000; i++) {
      Severity severity = severities[i % severities.length];
      String path = "/app/lib/" + "nested-directory-name/".repeat(8) + "module-" + i + ".jar!/BOOT-INF/lib/dep-" + i + ".jar";
      matches.add(app("CVE-2024-" + (10000 + i), "Maven", "org.example.group" + i + ":artifact-" + i, "1." + i,
          i % 3 == 0 ? null : "2." + i, severity, path));
    }
    matches.add(app("CVE-2024-99999", "Maven", "org.example:long", "1", "2", Severity.Critical, "/x".repeat(2000)));
    ImageReportStatus status = new ReportStatusBuilder("vigil/test", ReportStatusBuilder.DEFAULT_MAX_VULNERABILITIES, CLOCK)
        .build("app:1", analysis(), null, List.of(), null,
            ComplianceEvaluator.evaluate(List.of(), matches, List.of(), null, TODAY), null);

    assertEquals(1201, status.summary.critical);
    assertEquals(1200, status.summary.high);
    assertEquals(1200, status.summary.medium);
    assertEquals(1200, status.summary.low);
    assertEquals(1200, status.summary.unknown);
    assertEquals(4001, status.summary.fixable);
    assertEquals(ReportStatusBuilder.DEFAULT_MAX_VULNERABILITIES, status.vulnerabilities.size());
    assertTrue(status.truncated);
    assertTrue(status.vulnerabilities.stream().allMatch(v -> v.severity == Severity.Critical),
        "the capped list keeps the most severe");
    assertTrue(status.vulnerabilities.stream().allMatch(v -> v.path.length() <= ReportStatusBuilder.MAX_PATH_LENGTH));

    // The same status as the operator writes it, on the real API server: the schema takes the new
    // fields and the object stays far below the server's request size limit.
    KubeApi api = KubeApi.shared().withCrds();
    KubernetesClient admin = api.admin();
    String ns = api.createNamespace("lang-report");
    ImageReport report = new ImageReport();
    report.setMetadata(new ObjectMetaBuilder().withName("deployment-app-app").withNamespace(ns).build());
    admin.resource(report).create();
    report = admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-app-app").get();
    report.setStatus(status);
    int bytes = Serialization.asJson(report).getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes < 512 * 1024, "report of " + bytes + " bytes");
    admin.resource(report).updateStatus();
    ImageReport stored = admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-app-app").get();
    assertNotNull(stored.getStatus());
    assertEquals(200, stored.getStatus().vulnerabilities.size());
    assertEquals("Maven", stored.getStatus().vulnerabilities.get(0).ecosystem);
    assertEquals(status.vulnerabilities.get(0).path, stored.getStatus().vulnerabilities.get(0).path);
    assertEquals(1201, stored.getStatus().summary.critical);
  }

  private static List<VulnerabilityMatch> counted(List<VulnerabilityMatch> all, ImagePolicySpec.Ignore rule) {
    ImagePolicySpec.Vulnerabilities v = new ImagePolicySpec.Vulnerabilities();
    v.ignore = List.of(rule);
    return ComplianceEvaluator.evaluate(List.of(new NamedPolicy("p", spec(v))), all, List.of(), null, TODAY).counted();
  }

  private static ImagePolicySpec.Ignore ignore(String id, String pkg) {
    ImagePolicySpec.Ignore rule = new ImagePolicySpec.Ignore();
    rule.id = id;
    rule.packages = List.of(pkg);
    rule.reason = "test";
    return rule;
  }

  private static ImagePolicySpec spec(ImagePolicySpec.Vulnerabilities v) {
    ImagePolicySpec spec = new ImagePolicySpec();
    spec.vulnerabilities = v;
    return spec;
  }
}
