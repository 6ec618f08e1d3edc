package dev.vigil.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Host matching as the kubelet's credential keyring does it, with the Kubernetes docs' examples. */
class RegistryCredentialsTest {

  private static final Credential A = new Credential("a", "pa");
  private static final Credential B = new Credential("b", "pb");
  private static final Credential C = new Credential("c", "pc");

  private static String auth(Credential c) {
    return Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static RegistryCredentials configJson(String json) {
    return RegistryCredentials.fromDockerConfigJson(json.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
    // Kubernetes docs, "Interpretation of config.json"
    "*.kubernetes.io, abc.kubernetes.io, true",
    "*.kubernetes.io, kubernetes.io, false",
    "*.*.kubernetes.io, abc.kubernetes.io, false",
    "*.*.kubernetes.io, abc.def.kubernetes.io, true",
    "prefix.*.io, prefix.kubernetes.io, true",
    "*-good.kubernetes.io, prefix-good.kubernetes.io, true",
    "my-registry.io/images, my-registry.io/images, true",
    "my-registry.io/images, my-registry.io/images/my-image, true",
    "my-registry.io/images, my-registry.io/images/another-image, true",
    "my-registry.io/images, sub.my-registry.io/images/my-image, false",
    "*.my-registry.io/images, sub.my-registry.io/images/my-image, true",
    "*.my-registry.io/images, a.sub.my-registry.io/images/my-image, false",
    // ports must be equal
    "my-registry.io:5000, my-registry.io:5000/app, true",
    "my-registry.io:5000, my-registry.io/app, false",
    "my-registry.io, my-registry.io:5000/app, false",
  })
  void matchesLikeTheKubelet(String key, String image, boolean matches) {
    assertEquals(matches, RegistryCredentials.matches(RegistryCredentials.normaliseKey(key), image));
  }

  @Test
  void keysLoseSchemeAndV1OrV2PathButKeepOtherPaths() {
    assertEquals("index.docker.io", RegistryCredentials.normaliseKey("https://index.docker.io/v1/"));
    assertEquals("registry.example.com:5000", RegistryCredentials.normaliseKey("http://registry.example.com:5000/v2/"));
    assertEquals("quay.io/team", RegistryCredentials.normaliseKey("quay.io/team"));
    assertEquals("quay.io", RegistryCredentials.normaliseKey("quay.io/"));
  }

  @Test
  void moreSpecificPathsComeFirstAndEveryMatchIsOffered() {
    RegistryCredentials credentials =
        configJson(
            "{\"auths\":{"
                + "\"quay.io\":{\"auth\":\"" + auth(A) + "\"},"
                + "\"quay.io/coreos\":{\"auth\":\"" + auth(B) + "\"},"
                + "\"gcr.io\":{\"auth\":\"" + auth(C) + "\"}}}");

    assertEquals(List.of(B, A), credentials.lookup("quay.io/coreos/etcd"));
    assertEquals(List.of(A), credentials.lookup("quay.io/other/app"));
    assertEquals(List.of(), credentials.lookup("ghcr.io/coreos/etcd"));
  }

  @Test
  void dockerHubCredentialsApplyToHubImagesUnderAnyOfItsNames() {
    RegistryCredentials legacyKey =
        configJson("{\"auths\":{\"https://index.docker.io/v1/\":{\"username\":\"a\",\"password\":\"pa\"}}}");
    assertEquals(List.of(A), legacyKey.lookup(ImageReference.parse("nginx").toRepository()));
    assertEquals(List.of(A), legacyKey.lookup(ImageReference.parse("user/app").toRepository()));
    assertEquals(List.of(), legacyKey.lookup(ImageReference.parse("ghcr.io/user/app").toRepository()));

    RegistryCredentials apiHostKey = configJson("{\"auths\":{\"registry-1.docker.io\":{\"auth\":\"" + auth(B) + "\"}}}");
    assertEquals(List.of(B), apiHostKey.lookup(ImageReference.parse("docker.io/library/redis").toRepository()));

    RegistryCredentials withPath = configJson("{\"auths\":{\"docker.io/team\":{\"auth\":\"" + auth(C) + "\"}}}");
    assertEquals(List.of(C), withPath.lookup(ImageReference.parse("team/app").toRepository()));
    assertEquals(List.of(), withPath.lookup(ImageReference.parse("other/app").toRepository()));
  }

  @Test
  void authFieldWinsOverUsernameAndPasswordAndMayBeUnpadded() {
    String unpadded = auth(new Credential("user", "p:w")).replace("=", "");
    RegistryCredentials credentials =
        configJson("{\"auths\":{\"r.io\":{\"auth\":\"" + unpadded + "\",\"username\":\"ignored\",\"password\":\"ignored\"}}}");
    assertEquals(List.of(new Credential("user", "p:w")), credentials.lookup("r.io/app"));
  }

  @Test
  void readsBothSecretTypesAndCombinesThemInOrder() {
    byte[] json = ("{\"auths\":{\"r.io\":{\"auth\":\"" + auth(A) + "\"}}}").getBytes(StandardCharsets.UTF_8);
    byte[] cfg = ("{\"https://r.io\":{\"auth\":\"" + auth(B) + "\",\"email\":\"x@y\"}}").getBytes(StandardCharsets.UTF_8);

    RegistryCredentials combined =
        RegistryCredentials.fromSecret(RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, Map.of(".dockerconfigjson", json))
            .and(RegistryCredentials.fromSecret(RegistryCredentials.TYPE_DOCKERCFG, Map.of(".dockercfg", cfg)));

    assertEquals(List.of(A, B), combined.lookup("r.io/team/app"));
    assertFalse(combined.isEmpty());
    assertTrue(RegistryCredentials.none().isEmpty());
  }

  @Test
  void malformedSecretsAreRejectedWithClearMessages() {
    assertEquals(
        "secret type \"Opaque\" holds no registry credentials (expected kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg)",
        assertThrows(IllegalArgumentException.class, () -> RegistryCredentials.fromSecret("Opaque", Map.of())).getMessage());
    assertEquals(
        "secret of type kubernetes.io/dockerconfigjson has no \".dockerconfigjson\" data",
        assertThrows(
                IllegalArgumentException.class,
                () -> RegistryCredentials.fromSecret(RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, Map.of()))
            .getMessage());
    assertEquals(
        ".dockerconfigjson has no \"auths\" object",
        assertThrows(IllegalArgumentException.class, () -> configJson("{\"r.io\":{}}")).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> configJson("{\"auths\":"))
            .getMessage().startsWith(".dockerconfigjson is not valid JSON"));
    assertEquals(
        ".dockerconfigjson entry \"r.io\": \"auth\" must be base64(username:password)",
        assertThrows(
                IllegalArgumentException.class,
                () -> configJson("{\"auths\":{\"r.io\":{\"auth\":\"" + Base64.getEncoder().encodeToString("nocolon".getBytes()) + "\"}}}"))
            .getMessage());
    assertEquals(
        ".dockerconfigjson entry \"r.io\": \"auth\" is not base64",
        assertThrows(IllegalArgumentException.class, () -> configJson("{\"auths\":{\"r.io\":{\"auth\":\"!!!\"}}}"))
            .getMessage());
  }

  @Test
  void credentialNeverPrintsItsPassword() {
    assertEquals("Credential[username=a, password=***]", A.toString());
    assertEquals("Basic YTpwYQ==", A.basicAuthorization());
  }
}
