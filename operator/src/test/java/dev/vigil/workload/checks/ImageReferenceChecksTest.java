package dev.vigil.workload.checks;

import static dev.vigil.workload.checks.TestWorkloads.deployment;
import static dev.vigil.workload.checks.TestWorkloads.evidence;
import static dev.vigil.workload.checks.TestWorkloads.hardened;
import static dev.vigil.workload.checks.TestWorkloads.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.Finding;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.api.Severity;
import dev.vigil.workload.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VIG-WL-015 mutable tag, VIG-WL-016 pull policy and VIG-REG-001 allowed registries. */
class ImageReferenceChecksTest {

  private static final String MUTABLE_TAG = "VIG-WL-015";
  private static final String PULL_POLICY = "VIG-WL-016";
  private static final String REGISTRY = "VIG-REG-001";
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String IMAGE_FIELD = "spec.template.spec.containers[web].image";

  private static Workload web(String image, String pullPolicy) {
    return deployment(
        podSpec(hardened("web").withImage(image).withImagePullPolicy(pullPolicy).build()).build());
  }

  private static WorkloadCheckSettings allowed(String... globs) {
    ImagePolicySpec.Registries registries = new ImagePolicySpec.Registries();
    registries.allowed = new ArrayList<>(Arrays.asList(globs));
    return WorkloadCheckSettings.fromPolicy(null, registries);
  }

  private static List<String> registryEvidence(String image, WorkloadCheckSettings settings) {
    return evidence(REGISTRY, web(image, null), "web", ContainerType.Container, settings);
  }

  @Test
  void noTagMeansLatestAndFires() {
    assertEquals(
        List.of(IMAGE_FIELD + " nginx has no tag (means latest) and no digest"),
        evidence(MUTABLE_TAG, web("nginx", null), "web"));
    assertEquals(
        List.of(
            IMAGE_FIELD
                + " registry.example.com:5000/shop/web has no tag (means latest) and no"
                + " digest"),
        evidence(MUTABLE_TAG, web("registry.example.com:5000/shop/web", null), "web"));
  }

  @Test
  void writtenLatestTagFires() {
    assertEquals(
        List.of(IMAGE_FIELD + " ghcr.io/acme/app:latest uses the latest tag without a digest"),
        evidence(MUTABLE_TAG, web("ghcr.io/acme/app:latest", null), "web"));
  }

  @Test
  void releaseTagsDigestsAndInvalidReferencesDoNotFire() {
    for (String image :
        List.of(
            "nginx:1.27",
            "nginx:latest@" + DIGEST,
            "nginx@" + DIGEST,
            "localhost:5000/app:2",
            "nginx:bad tag")) {
      assertEquals(List.of(), evidence(MUTABLE_TAG, web(image, null), "web"), image);
    }
  }

  @Test
  void latestWithIfNotPresentOrNeverFires() {
    assertEquals(
        List.of(
            "spec.template.spec.containers[web].imagePullPolicy is IfNotPresent for nginx:latest"),
        evidence(PULL_POLICY, web("nginx:latest", "IfNotPresent"), "web"));
    assertEquals(
        List.of("spec.template.spec.containers[web].imagePullPolicy is Never for nginx"),
        evidence(PULL_POLICY, web("nginx", "Never"), "web"));
  }

  @Test
  void pullPolicyAlwaysOrDefaultedOrPinnedOrReleaseTagPasses() {
    assertEquals(List.of(), evidence(PULL_POLICY, web("nginx:latest", "Always"), "web"));
    assertEquals(List.of(), evidence(PULL_POLICY, web("nginx", null), "web"));
    assertEquals(
        List.of(), evidence(PULL_POLICY, web("nginx:latest@" + DIGEST, "IfNotPresent"), "web"));
    assertEquals(List.of(), evidence(PULL_POLICY, web("nginx:1.27", "IfNotPresent"), "web"));
  }

  @Test
  void anyRegistryIsAllowedWithoutAList() {
    assertEquals(
        List.of(), registryEvidence("ghcr.io/acme/app:1", WorkloadCheckSettings.defaults()));
    assertEquals(List.of(), registryEvidence("ghcr.io/acme/app:1", allowed()));
  }

  @Test
  void imagesMatchingAnAllowedGlobPassByTheirNormalisedReference() {
    WorkloadCheckSettings settings = allowed("registry.example.com/shop/*", "docker.io/library/*");
    for (String image :
        List.of(
            "nginx",
            "nginx:1.27",
            "docker.io/library/nginx:1.27",
            "index.docker.io/library/nginx",
            "registry.example.com/shop/web:1.4@" + DIGEST)) {
      assertEquals(List.of(), registryEvidence(image, settings), image);
    }
  }

  @Test
  void imagesFromOtherSourcesFireWithTheNormalisedReference() {
    WorkloadCheckSettings settings = allowed("registry.example.com/shop/*", "docker.io/library/*");
    assertEquals(
        List.of("ghcr.io/acme/app:1 (" + IMAGE_FIELD + ") matches no registries.allowed glob"),
        registryEvidence("ghcr.io/acme/app:1", settings));
    assertEquals(
        List.of(
            "docker.io/bitnami/redis:latest ("
                + IMAGE_FIELD
                + ") matches no registries.allowed"
                + " glob"),
        registryEvidence("bitnami/redis", settings));
    assertEquals(
        List.of(
            "registry.example.com/shop/team/web:1 ("
                + IMAGE_FIELD
                + ") matches no"
                + " registries.allowed glob"),
        registryEvidence("registry.example.com/shop/team/web:1", settings));
  }

  @Test
  void registryFindingIsCategoryRegistryAndHigh() {
    Finding f =
        TestWorkloads.finding(
                REGISTRY,
                web("ghcr.io/acme/app:1", null),
                "web",
                ContainerType.Container,
                allowed("docker.io/library/*"))
            .orElseThrow();
    assertEquals(Finding.Category.Registry, f.getCategory());
    assertEquals(Severity.High, f.getSeverity());
  }

  @Test
  void anImageThatCannotBeNormalisedIsNotAllowed() {
    assertEquals(
        List.of(
            IMAGE_FIELD
                + " cannot be normalised: invalid image reference \"nginx:bad tag\": tag \"bad"
                + " tag\" must be 1-128 characters of letters, digits, '_', '.', '-', not"
                + " starting with '.' or '-'"),
        registryEvidence("nginx:bad tag", allowed("docker.io/library/*")));
  }

  @Test
  void invalidGlobsAreSkippedButAPolicyOfOnlyInvalidGlobsTrustsNothing() {
    WorkloadCheckSettings someValid = allowed("docker.io/library/*", "bad glob/*");
    assertEquals(List.of(), registryEvidence("nginx:1.27", someValid));
    assertEquals(
        List.of(
            "ghcr.io/acme/app:1 ("
                + IMAGE_FIELD
                + ") matches no registries.allowed glob (invalid globs skipped: \"bad glob/*\")"),
        registryEvidence("ghcr.io/acme/app:1", someValid));
    WorkloadCheckSettings noneValid = allowed("bad glob/*", "");
    assertEquals(
        List.of(
            "docker.io/library/nginx:1.27 ("
                + IMAGE_FIELD
                + ") matches no registries.allowed glob (invalid globs skipped: \"bad glob/*\","
                + " \"\")"),
        registryEvidence("nginx:1.27", noneValid));
  }
}
