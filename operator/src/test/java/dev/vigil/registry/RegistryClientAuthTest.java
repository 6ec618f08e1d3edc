package dev.vigil.registry;

import dev.vigil.testsupport.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer token and Basic auth against real registries, credentials from pull secrets. */
class RegistryClientAuthTest {

  private static LocalRegistry tokenRegistry;
  private static LocalRegistry basicRegistry;
  private static PushedImage tokenImage;
  private static PushedImage basicImage;

  @BeforeAll
  static void start() {
    tokenRegistry = LocalRegistry.builder().tokenAuth("alice", "s3cret").start();
    basicRegistry = LocalRegistry.builder().basicAuth("bob", "hunter2").start();
    TestImage image = TestImages.image().layer(l -> l.file("etc/hostname", "auth\n")).build();
    tokenImage = tokenRegistry.pusher().push("team/app", "1.0", image);
    basicImage = basicRegistry.pusher().push("team/app", "1.0", image);
  }

  @AfterAll
  static void stop() {
    tokenRegistry.close();
    basicRegistry.close();
  }

  private static RegistryCredentials dockerConfigJson(String host, String user, String password) {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}";
    return RegistryCredentials.fromSecret(
        RegistryCredentials.TYPE_DOCKER_CONFIG_JSON, Map.of(".dockerconfigjson", json.getBytes(StandardCharsets.UTF_8)));
  }

  private static RegistryClient client(RegistryCredentials credentials) {
    return new RegistryClient(RegistryClientConfig.builder().credentials(credentials).build());
  }

  @Test
  void bearerFlowFetchesOneScopedTokenWithBasicCredentialsAndReusesIt() throws Exception {
    int before = tokenRegistry.tokenServer().tokensIssued();
    RegistryClient client = client(dockerConfigJson(tokenRegistry.host(), "alice", "s3cret"));

    ResolvedImage first = client.resolve(tokenImage.reference());
    byte[] config = client.fetchConfig(tokenImage.reference().toRepository(), first.config());
    ResolvedImage second = client.resolve(tokenImage.reference());

    assertEquals(tokenImage.digest(), first.manifestDigest());
    assertEquals(first.manifestDigest(), second.manifestDigest());
    assertEquals(first.config().size(), config.length);
    assertEquals(before + 1, tokenRegistry.tokenServer().tokensIssued());
    List<String> scopes = tokenRegistry.tokenServer().requestedScopes();
    assertEquals("repository:team/app:pull", scopes.get(scopes.size() - 1));
  }

  @Test
  void wrongPasswordIsUnauthorizedNamingTheRefusedUser() {
    RegistryClient client = client(dockerConfigJson(tokenRegistry.host(), "alice", "wrong"));

    RegistryException e = assertThrows(RegistryException.class, () -> client.resolve(tokenImage.reference()));

    assertEquals(RegistryException.Kind.UNAUTHORIZED, e.kind());
    assertEquals(tokenRegistry.host(), e.registry());
    assertEquals("team/app", e.repository());
    assertTrue(e.getMessage().contains("user \"alice\" refused by the token service"), e.getMessage());
  }

  @Test
  void anonymousTokenWithoutAccessIsUnauthorizedWithTheRegistrysStatus() {
    RegistryClient client = client(RegistryCredentials.none());

    RegistryException e = assertThrows(RegistryException.class, () -> client.resolve(tokenImage.reference()));

    assertEquals(RegistryException.Kind.UNAUTHORIZED, e.kind());
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("anonymous refused with HTTP 401"), e.getMessage());
  }

  @Test
  void credentialsAreTriedInOrderUntilOneIsAccepted() throws Exception {
    RegistryCredentials both =
        dockerConfigJson(tokenRegistry.host(), "alice", "outdated")
            .and(dockerConfigJson(tokenRegistry.host(), "alice", "s3cret"));
    assertEquals(
        List.of(new Credential("alice", "outdated"), new Credential("alice", "s3cret")),
        both.lookup(tokenRegistry.repository("team/app")));

    ResolvedImage resolved = client(both).resolve(tokenImage.reference());

    assertEquals(tokenImage.digest(), resolved.manifestDigest());
  }

  @Test
  void cachedTokenIsReplacedOnlyAfterItsLifetime() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    RegistryClient client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .clock(clock)
                .credentials(dockerConfigJson(tokenRegistry.host(), "alice", "s3cret"))
                .build());
    int before = tokenRegistry.tokenServer().tokensIssued();

    client.headDigest(tokenImage.reference(), Platform.LINUX_AMD64);
    clock.advance(Duration.ofSeconds(200)); // the token server's tokens live 300 s
    client.headDigest(tokenImage.reference(), Platform.LINUX_AMD64);
    assertEquals(before + 1, tokenRegistry.tokenServer().tokensIssued());

    clock.advance(Duration.ofSeconds(100));
    client.headDigest(tokenImage.reference(), Platform.LINUX_AMD64);
    assertEquals(before + 2, tokenRegistry.tokenServer().tokensIssued());
  }

  @Test
  void pingWithCredentialsGetsAnUnscopedToken() throws Exception {
    client(dockerConfigJson(tokenRegistry.host(), "alice", "s3cret")).ping(tokenRegistry.host());
    List<String> scopes = tokenRegistry.tokenServer().requestedScopes();
    assertEquals("", scopes.get(scopes.size() - 1));
  }

  @Test
  void withCredentialsGivesAViewThatAuthenticates() throws Exception {
    RegistryClient anonymous = client(RegistryCredentials.none());
    ImageSource withSecret = anonymous.withCredentials(dockerConfigJson(tokenRegistry.host(), "alice", "s3cret"));

    assertEquals(tokenImage.digest(), withSecret.resolve(tokenImage.reference()).manifestDigest());
    assertThrows(RegistryException.class, () -> anonymous.resolve(tokenImage.reference()));
  }

  @Test
  void basicAuthRegistryAcceptsTheRightPasswordAndRefusesAWrongOne() throws Exception {
    RegistryClient right = client(dockerConfigJson("http://" + basicRegistry.host() + "/v2/", "bob", "hunter2"));
    RegistryClient wrong = client(dockerConfigJson(basicRegistry.host(), "bob", "nope"));

    assertEquals(basicImage.digest(), right.resolve(basicImage.reference()).manifestDigest());
    RegistryException e = assertThrows(RegistryException.class, () -> wrong.resolve(basicImage.reference()));
    assertEquals(RegistryException.Kind.UNAUTHORIZED, e.kind());
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("user \"bob\" refused with HTTP 401"), e.getMessage());
  }
}
