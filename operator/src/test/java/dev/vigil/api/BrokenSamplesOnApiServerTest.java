package dev.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.KubeApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deliberately broken copies of the samples (operator/src/test/resources/samples-broken/),
 * each rejected by a real kube-apiserver with a 422 whose cause names the field and the rule.
 */
class BrokenSamplesOnApiServerTest {

  static Stream<Arguments> brokenSamples() {
    return Stream.of(
        Arguments.of("imagepolicy-default--failon-not-a-severity.yaml",
            "spec.vulnerabilities.failOn", "Unsupported value: \"Severe\""),
        Arguments.of("imagepolicy-default--duplicate-authority-name.yaml",
            "spec.signatures.authorities[1]", "Duplicate value: map[string]interface {}{\"name\":\"release-key\"}"),
        Arguments.of("imagepolicy-default--key-with-data-and-secret-ref.yaml",
            "spec.signatures.authorities[0].key", "key needs exactly one of secretRef, configMapRef or data"),
        Arguments.of("imagepolicy-default--duplicate-allowed-registry.yaml",
            "spec.registries.allowed[2]", "Duplicate value: \"docker.io/library/*\""),
        Arguments.of("imagepolicy-default--forbidden-port-out-of-range.yaml",
            "spec.checks.forbiddenPorts", "checks.forbiddenPorts must be between 1 and 65535"),
        Arguments.of("imagepolicy-team-keyless-rollout--authority-with-key-and-keyless.yaml",
            "spec.signatures.authorities[0]", "an authority needs exactly one of key or keyless"),
        Arguments.of("imagepolicy-team-keyless-rollout--identity-with-subject-and-regexp.yaml",
            "spec.signatures.authorities[0].keyless.identities[0]",
            "an identity needs exactly one of subject or subjectRegExp"),
        Arguments.of("imagepolicy-team-keyless-rollout--keyless-without-identities.yaml",
            "spec.signatures.authorities[0].keyless.identities", "should have at least 1 items"),
        Arguments.of("imagepolicy-team-keyless-rollout--enforce-without-authorities.yaml",
            "spec.signatures", "signatures.authorities needs at least one authority unless mode is Off"),
        Arguments.of("scanschedule-every-6h--schedule-and-interval.yaml",
            "spec", "exactly one of schedule or interval must be set"),
        Arguments.of("scanschedule-every-6h--duplicate-kind.yaml",
            "spec.kinds[6]", "Duplicate value: \"Deployment\""),
        Arguments.of("imagereport-example--critical-not-a-number.yaml",
            "status.summary.critical", "must be of type integer"),
        Arguments.of("imagereport-example--duplicate-condition-type.yaml",
            "status.conditions[3]", "Duplicate value: map[string]interface {}{\"type\":\"Scanned\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenSamples")
  void brokenCopyIsRejectedByTheApiServerOnTheFieldItBreaks(String file, String field, String message) {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("broken");
    GenericKubernetesResource manifest = ManifestFiles.read(ManifestFiles.brokenSamplesDir().resolve(file), ns);

    KubernetesClientException rejected = assertThrows(KubernetesClientException.class,
        () -> ManifestFiles.create(api.admin(), manifest));

    assertEquals(422, rejected.getCode(), rejected.getMessage());
    List<StatusCause> causes = rejected.getStatus().getDetails().getCauses();
    assertTrue(causes.stream().anyMatch(c -> field.equals(c.getField()) && c.getMessage().contains(message)),
        file + ": expected a cause on " + field + " saying " + message + ", got " + causes);
    GenericKubernetesResource stored = ManifestFiles.get(api.admin(), manifest);
    if (manifest.getAdditionalProperties().containsKey("spec")) {
      assertNull(stored, "nothing is stored");
    } else {
      assertNull(stored.getAdditionalProperties().get("status"), "the broken status is not stored");
    }
  }

  @Test
  void everyBrokenCopyHasACaseAndASample() {
    List<String> covered = brokenSamples().map(a -> (String) a.get()[0]).sorted().toList();
    List<String> files = ManifestFiles.yamlFiles(ManifestFiles.brokenSamplesDir()).stream()
        .map(p -> p.getFileName().toString()).toList();
    assertEquals(files, covered, "each file in samples-broken/ needs its expected field and message here");
    for (String file : files) {
      Path sample = ManifestFiles.samplesDir().resolve(file.substring(0, file.indexOf("--")) + ".yaml");
      assertTrue(Files.exists(sample), file + " is named <sample>--<defect>.yaml after an existing sample");
    }
  }
}
