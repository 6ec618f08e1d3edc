package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every payload in src/test/resources/webhooks read by the parser of its format, with the exact
 * events (or the exact refusal) expected. Where Vigil's reading differs from what the upstream test
 * asserted, the test says why.
 */
class WebhookFixturesTest {

  private static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05Z");

  /** The fixtures this class reads; the folder must hold exactly these. */
  private static final Set<String> TESTED =
      Set.of(
          "argocd-image-updater-harbor-PUSH_ARTIFACT.json",
          "distribution-docs-delete-event-target-fragment.json",
          "distribution-docs-envelope-pull-event.json",
          "distribution-envelope-3-push-events.json",
          "keel-azure-acr.json",
          "keel-distribution-envelope-push.json",
          "keel-dockerhub.json",
          "keel-github-package.json",
          "keel-github-registry_package.json",
          "keel-harbor-PUSH_ARTIFACT.json",
          "keel-harbor-pushImage-no-registry-in-resource_url.json",
          "keel-harbor-pushImage.json",
          "keel-quay.json");

  private static List<PushEvent> parse(PayloadParser parser, String fixture)
      throws WebhookPayloadException {
    assertTrue(TESTED.contains(fixture), fixture);
    return parser.parse(WebhookFixtures.bytes(fixture), RECEIVED);
  }

  private static WebhookPayloadException refused(PayloadParser parser, String fixture) {
    assertTrue(TESTED.contains(fixture), fixture);
    return assertThrows(
        WebhookPayloadException.class,
        () -> parser.parse(WebhookFixtures.bytes(fixture), RECEIVED));
  }

  private static PushEvent event(
      String registry, String repository, String tag, String digest, WebhookFormat source) {
    return new PushEvent(registry, repository, tag, digest, source, RECEIVED);
  }

  @Test
  void keelDistributionEnvelopeIsOnePushWithHostFromTheRequest() throws Exception {
    assertEquals(
        List.of(
            event(
                "registry.git.erxes.io",
                "foo/bar",
                "1.6.1",
                "sha256:4afff550708506c5b8b7384ad10d401a02b29ed587cb2730cb02753095b5178d",
                WebhookFormat.DISTRIBUTION)),
        parse(new DistributionPayloadParser(), "keel-distribution-envelope-push.json"));
  }

  @Test
  void goldenDistributionEnvelopeIsRefusedForItsPlaceholderDigest() {
    // Upstream's marshalling test uses "sha256:0123456789abcdef0", which is no digest.
    WebhookPayloadException e =
        refused(new DistributionPayloadParser(), "distribution-envelope-3-push-events.json");
    assertEquals(
        "events[0].target: invalid image reference "
            + "\"registrycluster.local/library/test@sha256:0123456789abcdef0\": "
            + "invalid digest format \"sha256:0123456789abcdef0\"",
        e.getMessage());
  }

  @Test
  void goldenDistributionEnvelopeWithARealDigestIsOneManifestPushAndNoLayerPushes()
      throws Exception {
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    String text =
        new String(
                WebhookFixtures.bytes("distribution-envelope-3-push-events.json"),
                StandardCharsets.UTF_8)
            .replace("\"sha256:0123456789abcdef0\"", "\"" + digest + "\"");
    assertEquals(
        List.of(
            event(
                "registrycluster.local", "library/test", null, digest, WebhookFormat.DISTRIBUTION)),
        new DistributionPayloadParser().parse(text.getBytes(StandardCharsets.UTF_8), RECEIVED));
  }

  @Test
  void distributionPullEventGivesNoPushes() throws Exception {
    assertEquals(
        List.of(),
        parse(new DistributionPayloadParser(), "distribution-docs-envelope-pull-event.json"));
  }

  @Test
  void distributionTargetFragmentIsRefusedForLackingTheEnvelope() {
    assertEquals(
        "events: missing, expected an array",
        refused(
                new DistributionPayloadParser(),
                "distribution-docs-delete-event-target-fragment.json")
            .getMessage());
  }

  @Test
  void acrPushIsOneEventWithTagAndDigest() throws Exception {
    assertEquals(
        List.of(
            event(
                "myregistry.azurecr.io",
                "hello-world",
                "v1",
                "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d",
                WebhookFormat.ACR)),
        parse(new AcrPayloadParser(), "keel-azure-acr.json"));
  }

  @Test
  void harborV1PushImageIsOneEventOnTheHarborHost() throws Exception {
    assertEquals(
        List.of(
            event(
                "harbor.mydomain.com",
                "library/ai-rag",
                "1.2.3",
                "sha256:b4758aaed11c155a476b9857e1178f157759c99cb04c907a04993f5481eff848",
                WebhookFormat.HARBOR)),
        parse(new HarborPayloadParser(), "keel-harbor-pushImage.json"));
  }

  @Test
  void harborResourceUrlWithoutHostNamesDockerHubAndKeepsTheResourceTag() throws Exception {
    // keel reads the URL alone and reports tag "latest"; the resource says 1.2.3 and the URL
    // names no tag, so 1.2.3 it is.
    assertEquals(
        List.of(
            event(
                "docker.io",
                "mynamespace/repository",
                "1.2.3",
                "sha256:b4758aaed11c155a476b9857e1178f157759c99cb04c907a04993f5481eff848",
                WebhookFormat.HARBOR)),
        parse(new HarborPayloadParser(), "keel-harbor-pushImage-no-registry-in-resource_url.json"));
  }

  @Test
  void harborPushArtifactWhoseUrlTagContradictsItsTagFieldIsRefused() {
    // Harbor builds both from the same reference; keel trusts the URL, Vigil trusts neither.
    assertEquals(
        "event_data.resources[0]: tag \"latest\" contradicts resource_url "
            + "\"quay.io/mynamespace/repository:1.2.3\"",
        refused(new HarborPayloadParser(), "keel-harbor-PUSH_ARTIFACT.json").getMessage());
  }

  @Test
  void harborPushArtifactUsesRepoFullNameNotName() throws Exception {
    assertEquals(
        List.of(
            event(
                "harbor.example.com",
                "image-name",
                "tag",
                "sha256:3e5e4ce59b8390414cf58806692fb716cc02d71f8a53b35ddeffdeb0c9aaf100",
                WebhookFormat.HARBOR)),
        parse(new HarborPayloadParser(), "argocd-image-updater-harbor-PUSH_ARTIFACT.json"));
  }

  @Test
  void dockerHubPushIsOneEventOnDockerIoWithoutDigest() throws Exception {
    assertEquals(
        List.of(event("docker.io", "karolisr/keel", "0.1.7", null, WebhookFormat.DOCKER_HUB)),
        parse(new DockerHubPayloadParser(), "keel-dockerhub.json"));
  }

  @Test
  void quayPushIsOneEventPerUpdatedTag() throws Exception {
    assertEquals(
        List.of(event("quay.io", "mynamespace/repository", "1.2.3", null, WebhookFormat.QUAY)),
        parse(new QuayPayloadParser(), "keel-quay.json"));
  }

  @Test
  void gitHubPackageEventNamesNamespaceAndPackageOnGhcr() throws Exception {
    assertEquals(
        List.of(
            event(
                "ghcr.io",
                "utaitebox/utaitebox-server",
                "3.2.1",
                "sha256:7d3848ba2f2e7f69bebb4b576e5fad0379b64a0b1512aee6ad0ec9e7c6319fed",
                WebhookFormat.GITHUB)),
        parse(new GitHubPayloadParser(), "keel-github-package.json"));
  }

  @Test
  void oldGitHubRegistryPackageEventTakesTheTagFromTheVersionAndLowerCasesTheOwner()
      throws Exception {
    // keel reports the git repository "DingGGu/UtaiteBOX"; the image is the package, owner
    // DingGGu, name "server", and ghcr.io names are lower case.
    assertEquals(
        List.of(event("ghcr.io", "dingggu/server", "1.2.3", null, WebhookFormat.GITHUB)),
        parse(new GitHubPayloadParser(), "keel-github-registry_package.json"));
  }

  @Test
  void everyFixtureInTheFolderHasATestHere() {
    assertEquals(TESTED.stream().sorted().toList(), WebhookFixtures.all());
  }
}
