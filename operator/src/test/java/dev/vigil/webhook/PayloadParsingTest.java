package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strictness and edge cases of the payload parsers, on small hand-written payloads. */
class PayloadParsingTest {

  private static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05Z");
  private static final String DIGEST =
      "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private static List<PushEvent> parse(PayloadParser parser, String json)
      throws WebhookPayloadException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), RECEIVED);
  }

  private static String refusal(PayloadParser parser, String json) {
    return assertThrows(WebhookPayloadException.class, () -> parse(parser, json)).getMessage();
  }

  private static PushEvent event(
      String registry, String repository, String tag, String digest, WebhookFormat source) {
    return new PushEvent(registry, repository, tag, digest, source, RECEIVED);
  }

  private static String envelope(String... events) {
    return "{\"events\":[" + String.join(",", events) + "]}";
  }

  private static String pushEvent(String target, String request) {
    return "{\"action\":\"push\",\"target\":"
        + target
        + (request == null ? "" : ",\"request\":" + request)
        + "}";
  }

  // --- JSON level, shared by all formats ---

  @Test
  void malformedJsonIsRefusedWithTheParserMessage() {
    String message = refusal(new DistributionPayloadParser(), "{\"events\": [");
    assertTrue(message.startsWith("malformed JSON: "), message);
  }

  @Test
  void topLevelArrayIsRefused() {
    assertEquals(
        "expected a JSON object at the top level, found an array",
        refusal(new QuayPayloadParser(), "[]"));
  }

  @Test
  void emptyBodyIsRefused() {
    assertEquals("empty body: expected a JSON object", refusal(new DockerHubPayloadParser(), ""));
  }

  @Test
  void duplicateKeysAreRefusedAsAmbiguous() {
    String message =
        refusal(
            new DockerHubPayloadParser(),
            "{\"push_data\":{\"tag\":\"1\",\"tag\":\"2\"},\"repository\":{\"repo_name\":\"a/b\"}}");
    assertTrue(message.startsWith("malformed JSON: Duplicate field 'tag'"), message);
  }

  @Test
  void trailingContentAfterTheObjectIsRefused() {
    String message = refusal(new QuayPayloadParser(), "{} {}");
    assertTrue(message.startsWith("malformed JSON: "), message);
  }

  // --- distribution ---

  @Test
  void distributionEventsOfTheWrongTypeAreRefusedWithTheirPath() {
    assertEquals(
        "events: expected an array, found an object",
        refusal(new DistributionPayloadParser(), "{\"events\":{}}"));
    assertEquals(
        "events[0]: expected an object, found a string",
        refusal(new DistributionPayloadParser(), "{\"events\":[\"push\"]}"));
    assertEquals(
        "events[0].action: expected a string, found a number",
        refusal(new DistributionPayloadParser(), "{\"events\":[{\"action\":1}]}"));
    assertEquals(
        "events[0].target: missing, expected an object",
        refusal(new DistributionPayloadParser(), "{\"events\":[{\"action\":\"push\"}]}"));
  }

  @Test
  void distributionManifestPushWithoutRepositoryIsRefused() {
    assertEquals(
        "events[0].target.repository: missing, expected a non-empty string",
        refusal(
            new DistributionPayloadParser(),
            envelope(
                pushEvent(
                    "{\"mediaType\":\"" + MANIFEST + "\",\"digest\":\"" + DIGEST + "\"}",
                    "{\"host\":\"r.example.com\"}"))));
  }

  @Test
  void distributionTakesTheHostFromTargetUrlWhenTheRequestHasNone() throws Exception {
    assertEquals(
        List.of(event("r.example.com:5000", "team/app", "2", DIGEST, WebhookFormat.DISTRIBUTION)),
        parse(
            new DistributionPayloadParser(),
            envelope(
                pushEvent(
                    "{\"mediaType\":\""
                        + MANIFEST
                        + "\",\"digest\":\""
                        + DIGEST
                        + "\",\"repository\":\"team/app\",\"tag\":\"2\","
                        + "\"url\":\"https://r.example.com:5000/v2/team/app/manifests/2\"}",
                    null))));
  }

  @Test
  void distributionPushNamingNoRegistryIsRefused() {
    assertEquals(
        "events[0]: neither request.host nor target.url names the registry",
        refusal(
            new DistributionPayloadParser(),
            envelope(pushEvent("{\"repository\":\"team/app\",\"tag\":\"2\"}", "{}"))));
  }

  @Test
  void distributionCountsTaggedPushesAndManifestsButNotBlobs() throws Exception {
    String blob =
        pushEvent(
            "{\"mediaType\":\"application/octet-stream\",\"digest\":\""
                + DIGEST
                + "\",\"repository\":\"team/app\"}",
            "{\"host\":\"r.example.com\"}");
    String untypedButTagged =
        pushEvent("{\"repository\":\"team/app\",\"tag\":\"v1\"}", "{\"host\":\"r.example.com\"}");
    String indexByDigest =
        pushEvent(
            "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\""
                + DIGEST
                + "\",\"repository\":\"team/app\"}",
            "{\"host\":\"r.example.com\"}");
    String delete =
        "{\"action\":\"delete\",\"target\":{\"repository\":\"team/app\",\"digest\":\""
            + DIGEST
            + "\"}}";
    assertEquals(
        List.of(
            event("r.example.com", "team/app", "v1", null, WebhookFormat.DISTRIBUTION),
            event("r.example.com", "team/app", null, DIGEST, WebhookFormat.DISTRIBUTION)),
        parse(
            new DistributionPayloadParser(),
            envelope(blob, untypedButTagged, indexByDigest, delete)));
  }

  @Test
  void registryHostsAreLowerCasedAndDockerHubAliasesBecomeDockerIo() throws Exception {
    assertEquals(
        List.of(
            event("r.example.com", "team/app", "1", null, WebhookFormat.DISTRIBUTION),
            event("docker.io", "library/nginx", "1", null, WebhookFormat.DISTRIBUTION)),
        parse(
            new DistributionPayloadParser(),
            envelope(
                pushEvent(
                    "{\"repository\":\"team/app\",\"tag\":\"1\"}", "{\"host\":\"R.Example.COM\"}"),
                pushEvent(
                    "{\"repository\":\"nginx\",\"tag\":\"1\"}",
                    "{\"host\":\"index.docker.io\"}"))));
  }

  @Test
  void aHostThatAnImageReferenceWouldReadAsADockerHubNamespaceIsRefused() {
    assertEquals(
        "events[0].target: registry host \"registry\" cannot name a registry in an image "
            + "reference (it needs a '.' or a port)",
        refusal(
            new DistributionPayloadParser(),
            envelope(
                pushEvent(
                    "{\"repository\":\"team/app\",\"tag\":\"1\"}", "{\"host\":\"registry\"}"))));
  }

  @Test
  void invalidTagsAreRefusedWithTheReferenceMessage() {
    String message =
        refusal(
            new DistributionPayloadParser(),
            envelope(
                pushEvent(
                    "{\"repository\":\"team/app\",\"tag\":\"-bad\"}",
                    "{\"host\":\"r.example.com\"}")));
    assertTrue(message.startsWith("events[0].target: invalid image reference"), message);
    assertTrue(message.contains("tag \"-bad\""), message);
  }

  @Test
  void acrPingIsNoPush() throws Exception {
    assertEquals(
        List.of(),
        parse(new AcrPayloadParser(), "{\"id\":\"x\",\"action\":\"ping\",\"target\":{}}"));
  }

  // --- Harbor ---

  private static String harbor(String type, String resource, String repoFullName) {
    return "{\"type\":\""
        + type
        + "\",\"event_data\":{\"resources\":["
        + resource
        + "],\"repository\":{\"repo_full_name\":\""
        + repoFullName
        + "\"}}}";
  }

  @Test
  void harborPushByDigestHasNoTag() throws Exception {
    String resource =
        "{\"digest\":\""
            + DIGEST
            + "\",\"tag\":\""
            + DIGEST
            + "\",\"resource_url\":\"harbor.example.com:8443/proj/app@"
            + DIGEST
            + "\"}";
    assertEquals(
        List.of(event("harbor.example.com:8443", "proj/app", null, DIGEST, WebhookFormat.HARBOR)),
        parse(new HarborPayloadParser(), harbor("PUSH_ARTIFACT", resource, "proj/app")));
  }

  @Test
  void harborResourceUrlWithPortAndNoTagTakesTheTagField() throws Exception {
    String resource =
        "{\"digest\":\""
            + DIGEST
            + "\",\"tag\":\"v2\","
            + "\"resource_url\":\"harbor.example.com:8443/proj/app\"}";
    assertEquals(
        List.of(event("harbor.example.com:8443", "proj/app", "v2", DIGEST, WebhookFormat.HARBOR)),
        parse(new HarborPayloadParser(), harbor("PUSH_ARTIFACT", resource, "proj/app")));
  }

  @Test
  void harborResourceUrlOfAnotherRepositoryIsRefused() {
    String resource = "{\"tag\":\"v2\",\"resource_url\":\"harbor.example.com/proj/other:v2\"}";
    assertEquals(
        "event_data.resources[0].resource_url: \"harbor.example.com/proj/other:v2\" does not "
            + "name repository \"proj/app\"",
        refusal(new HarborPayloadParser(), harbor("PUSH_ARTIFACT", resource, "proj/app")));
  }

  @Test
  void harborEventsOtherThanPushesGiveNoPushes() throws Exception {
    assertEquals(
        List.of(),
        parse(new HarborPayloadParser(), "{\"type\":\"PULL_ARTIFACT\",\"event_data\":{}}"));
  }

  @Test
  void harborPushWithoutEventDataIsRefused() {
    assertEquals(
        "event_data: missing, expected an object",
        refusal(new HarborPayloadParser(), "{\"type\":\"PUSH_ARTIFACT\"}"));
  }

  // --- Docker Hub and Quay ---

  @Test
  void dockerHubTagOfTheWrongTypeIsRefused() {
    assertEquals(
        "push_data.tag: expected a string, found a number",
        refusal(
            new DockerHubPayloadParser(),
            "{\"push_data\":{\"tag\":7},\"repository\":{\"repo_name\":\"a/b\"}}"));
  }

  @Test
  void dockerHubOfficialImageIsUnderLibrary() throws Exception {
    assertEquals(
        List.of(event("docker.io", "library/nginx", "1.27", null, WebhookFormat.DOCKER_HUB)),
        parse(
            new DockerHubPayloadParser(),
            "{\"push_data\":{\"tag\":\"1.27\"},\"repository\":{\"repo_name\":\"nginx\"}}"));
  }

  @Test
  void quayOnSelfHostedHostGivesOneEventPerTag() throws Exception {
    assertEquals(
        List.of(
            event("quay.example.com", "ns/app", "1", null, WebhookFormat.QUAY),
            event("quay.example.com", "ns/app", "latest", null, WebhookFormat.QUAY)),
        parse(
            new QuayPayloadParser(),
            "{\"repository\":\"ns/app\",\"docker_url\":\"quay.example.com/ns/app\","
                + "\"updated_tags\":[\"1\",\"latest\"]}"));
  }

  @Test
  void quayDockerUrlNotEndingInTheRepositoryIsRefused() {
    assertEquals(
        "docker_url: \"quay.io/ns/other\" is not <registry host>/ns/app",
        refusal(
            new QuayPayloadParser(),
            "{\"repository\":\"ns/app\",\"docker_url\":\"quay.io/ns/other\",\"updated_tags\":[\"1\"]}"));
  }

  @Test
  void quayTagsThatAreNotStringsAreRefused() {
    assertEquals(
        "updated_tags[1]: expected a non-empty string, found a number",
        refusal(
            new QuayPayloadParser(),
            "{\"repository\":\"ns/app\",\"docker_url\":\"quay.io/ns/app\",\"updated_tags\":[\"1\",2]}"));
  }

  // --- GitHub ---

  private static String gitHubPackage(String eventKey, String type, String version) {
    return "{\"action\":\"published\",\""
        + eventKey
        + "\":{\"name\":\"app\",\"namespace\":\"Acme\","
        + "\"package_type\":\""
        + type
        + "\",\"owner\":{\"login\":\"Acme\"},"
        + "\"package_version\":"
        + version
        + "}}";
  }

  @Test
  void gitHubCurrentPayloadUsesPackageUrlAndContainerMetadata() throws Exception {
    String version =
        "{\"version\":\""
            + DIGEST
            + "\",\"package_url\":\"ghcr.io/acme/app:v3\","
            + "\"container_metadata\":{\"tag\":{\"name\":\"v3\",\"digest\":\""
            + DIGEST
            + "\"}}}";
    assertEquals(
        List.of(event("ghcr.io", "acme/app", "v3", DIGEST, WebhookFormat.GITHUB)),
        parse(new GitHubPayloadParser(), gitHubPackage("registry_package", "CONTAINER", version)));
  }

  @Test
  void gitHubEnterprisePackageUrlNamesItsOwnHost() throws Exception {
    String version =
        "{\"package_url\":\"containers.ghe.example.com/acme/app:v3\","
            + "\"container_metadata\":{\"tag\":{\"name\":\"v3\",\"digest\":\""
            + DIGEST
            + "\"}}}";
    assertEquals(
        List.of(
            event("containers.ghe.example.com", "acme/app", "v3", DIGEST, WebhookFormat.GITHUB)),
        parse(new GitHubPayloadParser(), gitHubPackage("package", "container", version)));
  }

  @Test
  void gitHubUntaggedVersionIsADigestOnlyPushUnderTheLowerCasedNamespace() throws Exception {
    String version =
        "{\"version\":\""
            + DIGEST
            + "\",\"container_metadata\":{\"tag\":{\"name\":\"\",\"digest\":\"\"}}}";
    assertEquals(
        List.of(event("ghcr.io", "acme/app", null, DIGEST, WebhookFormat.GITHUB)),
        parse(new GitHubPayloadParser(), gitHubPackage("package", "CONTAINER", version)));
  }

  @Test
  void gitHubPingAndOtherEcosystemsGiveNoPushes() throws Exception {
    assertEquals(
        List.of(),
        parse(new GitHubPayloadParser(), "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}"));
    assertEquals(
        List.of(),
        parse(
            new GitHubPayloadParser(), gitHubPackage("package", "npm", "{\"version\":\"1.0.0\"}")));
  }

  @Test
  void gitHubEventWithoutAPackageIsRefused() {
    assertEquals(
        "neither \"package\" nor \"registry_package\": send only package events to this hook",
        refusal(new GitHubPayloadParser(), "{\"ref\":\"refs/heads/main\"}"));
  }

  @Test
  void gitHubContainerVersionWithNeitherTagNorDigestIsRefused() {
    assertEquals(
        "package.package_version: names neither a tag nor a digest",
        refusal(new GitHubPayloadParser(), gitHubPackage("package", "CONTAINER", "{}")));
  }

  // --- the event itself ---

  @Test
  void pushEventsMustBeNormalised() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PushEvent("docker.io", "nginx", "1", null, WebhookFormat.DOCKER_HUB, RECEIVED));
    assertEquals(
        "docker.io/nginx is not normalised (normalises to docker.io/library/nginx)",
        e.getMessage());
  }

  @Test
  void pushEventRegistriesMustBeLowerCaseAndDockerHubMustBeDockerIo() {
    assertEquals(
        "R.example.com/team/app is not normalised (normalises to r.example.com/team/app)",
        assertThrows(
                IllegalArgumentException.class,
                () -> event("R.example.com", "team/app", "1", null, WebhookFormat.DISTRIBUTION))
            .getMessage());
    assertEquals(
        "registry-1.docker.io/library/nginx is not normalised (normalises to "
            + "docker.io/library/nginx)",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    event(
                        "registry-1.docker.io",
                        "library/nginx",
                        "1",
                        null,
                        WebhookFormat.DISTRIBUTION))
            .getMessage());
  }

  @Test
  void pushEventReferenceCarriesTagAndDigest() {
    assertEquals(
        "ghcr.io/acme/app:v3@" + DIGEST,
        event("ghcr.io", "acme/app", "v3", DIGEST, WebhookFormat.GITHUB).reference().canonical());
  }
}
