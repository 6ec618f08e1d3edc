package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.Severity;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.image.ImageConfig;
import dev.vigil.inventory.Inventory;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.rollout.CandidateAssessment;
import dev.vigil.scan.ImageAnalysis;
import dev.vigil.scan.ScanService;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The redeploy assessment (noNewVulnerabilities) counts language-package vulnerabilities too. */
class CandidateLanguagePackageAssessmentTest {

  static ScanService.Result result(String layer, VulnerabilityMatch... matches) {
    ImageAnalysis analysis = new ImageAnalysis(ImageReference.parse("registry.example/app:1"),
        "sha256:" + layer.repeat(64), null, Platform.LINUX_AMD64,
        ImageConfig.parse("{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8)),
        new Inventory(null, List.of(), List.of()), List.of(), List.of("sha256:" + layer.repeat(64)), 0,
        Instant.EPOCH, Duration.ZERO);
    return new ScanService.Result(analysis, List.of(matches), null, null, false);
  }

  static VulnerabilityMatch app(String id, String ecosystem, String name, String version, String path) {
    return new VulnerabilityMatch(id, List.of(), name, null, version, null, false, Severity.High, null, id,
        null, null, ecosystem, path);
  }

  @Test
  void aLanguagePackageVulnerabilityTheCandidateAddsIsNewOneItFixesIsAFixAndAMovedFileIsNeither() {
    ScanService.Result running = result("a",
        app("CVE-2021-23337", "npm", "lodash", "4.17.20", "/app/node_modules/lodash/package.json"),
        app("CVE-2021-44228", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "/app/lib/log4j-core-2.14.1.jar"));
    ScanService.Result candidate = result("b",
        app("CVE-2021-44228", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.2", "/app/lib/log4j-core-2.14.2.jar"),
        app("CVE-2023-32681", "PyPI", "requests", "2.30.0", "/usr/lib/python3/site-packages/requests-2.30.0.dist-info"),
        app("CVE-2023-32681", "PyPI", "requests", "2.30.0", "/opt/venv/lib/site-packages/requests-2.30.0.dist-info"));

    CandidateAssessment assessment = CandidateAssessor.assess(running, candidate, SeverityThreshold.High,
        SignatureInfo.Status.NotRequired);
    assertEquals(1, assessment.fixes(), "lodash is gone");
    assertEquals(1, assessment.newFindings(), "requests is new (once, whatever the copies); log4j only moved");
  }

  @Test
  void thePackageOfAnotherEcosystemWithTheSameNameIsADifferentPackage() {
    ScanService.Result running = result("a", app("CVE-2099-1", "npm", "shared-name", "1", "/a"));
    ScanService.Result candidate = result("b", app("CVE-2099-1", "PyPI", "shared-name", "1", "/b"));
    CandidateAssessment assessment = CandidateAssessor.assess(running, candidate, SeverityThreshold.High,
        SignatureInfo.Status.NotRequired);
    assertEquals(1, assessment.fixes());
    assertEquals(1, assessment.newFindings());
  }
}
