package dev.vigil.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // input, registry, repository, tag, digest, canonical, familiar
        "nginx, docker.io, library/nginx, latest, -, docker.io/library/nginx:latest, nginx:latest",
        "nginx:1.25-alpine, docker.io, library/nginx, 1.25-alpine, -, docker.io/library/nginx:1.25-alpine, nginx:1.25-alpine",
        "user/app, docker.io, user/app, latest, -, docker.io/user/app:latest, user/app:latest",
        "library/nginx, docker.io, library/nginx, latest, -, docker.io/library/nginx:latest, nginx:latest",
        "docker.io/nginx, docker.io, library/nginx, latest, -, docker.io/library/nginx:latest, nginx:latest",
        "index.docker.io/library/nginx:1, docker.io, library/nginx, 1, -, docker.io/library/nginx:1, nginx:1",
        "docker.io/library/sub/path, docker.io, library/sub/path, latest, -, docker.io/library/sub/path:latest, library/sub/path:latest",
        "localhost/app, localhost, app, latest, -, localhost/app:latest, localhost/app:latest",
        "localhost:5000/team/app:v1, localhost:5000, team/app, v1, -, localhost:5000/team/app:v1, localhost:5000/team/app:v1",
        "example:5000/app, example:5000, app, latest, -, example:5000/app:latest, example:5000/app:latest",
        "registry.example.com/a/b/c:2.0, registry.example.com, a/b/c, 2.0, -, registry.example.com/a/b/c:2.0, registry.example.com/a/b/c:2.0",
        "[::1]:5000/app:x, [::1]:5000, app, x, -, [::1]:5000/app:x, [::1]:5000/app:x",
        "Foo/bar, Foo, bar, latest, -, Foo/bar:latest, Foo/bar:latest",
        "my-app.io/x__y/a.b-c, my-app.io, x__y/a.b-c, latest, -, my-app.io/x__y/a.b-c:latest, my-app.io/x__y/a.b-c:latest",
      })
  void normalisesLikeDocker(
      String input, String registry, String repository, String tag, String digest, String canonical, String familiar) {
    ImageReference ref = ImageReference.parse(input);
    assertEquals(registry, ref.registry());
    assertEquals(repository, ref.repository());
    assertEquals(tag, ref.tag());
    assertEquals(digest, ref.digest());
    assertEquals(canonical, ref.canonical());
    assertEquals(familiar, ref.familiar());
  }

  @Test
  void digestOnlyReferenceHasNoTag() {
    ImageReference ref = ImageReference.parse("ghcr.io/org/app@" + DIGEST);
    assertNull(ref.tag());
    assertEquals(DIGEST, ref.digest());
    assertEquals(DIGEST, ref.manifestReference());
    assertEquals("ghcr.io/org/app@" + DIGEST, ref.canonical());
  }

  @Test
  void tagAndDigestAreBothKeptAndTheDigestIsWhatIsFetched() {
    ImageReference ref = ImageReference.parse("nginx:1.25@" + DIGEST);
    assertEquals("1.25", ref.tag());
    assertEquals(DIGEST, ref.manifestReference());
    assertEquals("docker.io/library/nginx:1.25@" + DIGEST, ref.canonical());
    assertEquals("nginx:1.25@" + DIGEST, ref.familiar());
  }

  @Test
  void derivedReferencesAndRepository() {
    ImageReference ref = ImageReference.parse("nginx:1.25");
    assertEquals("docker.io/library/nginx:1.25@" + DIGEST, ref.withDigest(DIGEST).canonical());
    assertEquals("docker.io/library/nginx:1.26", ref.withTag("1.26").canonical());
    assertEquals(new Repository("docker.io", "library/nginx"), ref.toRepository());
    assertEquals(ref, ImageReference.of(new Repository("docker.io", "library/nginx"), "1.25", null));
    assertEquals("registry-1.docker.io", RegistryHosts.apiHost(ref.registry()));
    assertEquals("ghcr.io", RegistryHosts.apiHost("ghcr.io"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|invalid image reference: empty",
        "NGINX|invalid image reference \"NGINX\": repository name (library/NGINX) must be lowercase",
        "registry.example.com/Team/app|invalid image reference \"registry.example.com/Team/app\": repository name (Team/app) must be lowercase",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|invalid image reference \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\": cannot specify 64-byte hexadecimal strings as a repository name",
        "nginx:|invalid image reference \"nginx:\": tag \"\" must be 1-128 characters of letters, digits, '_', '.', '-', not starting with '.' or '-'",
        "nginx:.hidden|invalid image reference \"nginx:.hidden\": tag \".hidden\" must be 1-128 characters of letters, digits, '_', '.', '-', not starting with '.' or '-'",
        "nginx@sha256:abc|invalid image reference \"nginx@sha256:abc\": invalid digest format \"sha256:abc\"",
        "nginx@md5:0123456789abcdef0123456789abcdef|invalid image reference \"nginx@md5:0123456789abcdef0123456789abcdef\": unsupported digest algorithm \"md5\" in \"md5:0123456789abcdef0123456789abcdef\" (supported: sha256, sha384, sha512)",
        "team/-app|invalid image reference \"team/-app\": repository name \"team/-app\" may only contain lower-case letters, digits and separators (. _ __ -) between path components",
        "team//app|invalid image reference \"team//app\": repository name \"team//app\" may only contain lower-case letters, digits and separators (. _ __ -) between path components",
        "bad_host.io/app|invalid image reference \"bad_host.io/app\": \"bad_host.io\" is not a valid registry host[:port]",
      })
  void rejectsInvalidReferencesWithAClearMessage(String input, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(input));
    assertEquals(message, e.getMessage());
  }

  @Test
  void rejectsNamesLongerThan255Characters() {
    String name = "registry.example.com/" + "a".repeat(240);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(name));
    assertEquals("invalid image reference \"" + name + "\": repository name must not be more than 255 characters", e.getMessage());
  }
}
