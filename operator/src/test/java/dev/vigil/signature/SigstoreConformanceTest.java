package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundle-verification cases of the public sigstore-conformance suite (copied under
 * src/test/resources/sigstore/conformance, see its README), each run through the path an
 * ImagePolicy authority takes: the bundle is attached to the artifact's digest in a signature
 * store and {@link ImageSignatureVerifier} checks it against one authority built from the
 * case's key or identity and trusted root. Every {@code _fail} case must be rejected (a false
 * accept is a security defect), every other case accepted.
 */
class SigstoreConformanceTest {

  static final String SUITE = "sigstore/conformance/bundle-verify/";
  static final String DEFAULT_IDENTITY =
      "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
  static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";
  /** The suite's "Sigstore public-good production root" (see the conformance README). */
  static final String PUBLIC_GOOD_ROOT = "sigstore/trusted_roots/public-good-2023-with-tsa.json";
  private static final String REPOSITORY = "registry.vigil.test/conformance/artifact";

  static Stream<String> cases() {
    try (Stream<Path> entries = Files.list(TestResources.path(SUITE))) {
      return entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void suiteHoldsAllSeventyCases() {
    List<String> all = cases().toList();
    assertEquals(70, all.size(), all::toString);
    assertEquals(49, all.stream().filter(c -> c.endsWith("_fail")).count(), all::toString);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void conformanceCase(String name) {
    Case c = Case.load(name);
    SignatureResult result = c.verify();
    System.out.println("CASE " + name + " => " + result.status() + " :: " + result.reason());
    if (name.endsWith("_fail")) {
      assertNotEquals(SignatureStatus.Verified, result.status(),
          () -> name + ": FALSE ACCEPT, the suite requires a rejection: " + result.reason());
    } else {
      assertEquals(SignatureStatus.Verified, result.status(),
          () -> name + ": false reject: " + result.reason());
    }
  }

  /** One folder of the suite, read as the conformance runner reads it. */
  record Case(String name, byte[] bundle, ImageDigest digest, Authority authority, String authorityError) {

    static Case load(String name) {
      String dir = SUITE + name + "/";
      byte[] artifact = optional(dir + "artifact");
      ImageDigest digest =
          ImageDigest.sha256(PublicKeys.sha256(artifact != null ? artifact : TestResources.bytes(SUITE + "a.txt")));
      byte[] rootJson = optional(dir + "trusted_root.json");
      TrustedRootSource root =
          TrustedRootSource.json(rootJson != null ? rootJson : TestResources.bytes(PUBLIC_GOOD_ROOT));
      byte[] key = optional(dir + "key.pub");
      Authority authority = null;
      String authorityError = null;
      try {
        if (key != null) {
          authority = new KeyAuthority("conformance-key", new String(key, StandardCharsets.UTF_8), true, root);
        } else {
          authority =
              new KeylessAuthority(
                  "conformance-identity",
                  List.of(Identity.exact(textOr(dir + "issuer", DEFAULT_ISSUER), textOr(dir + "identity", DEFAULT_IDENTITY))),
                  root);
        }
      } catch (IllegalArgumentException e) {
        authorityError = e.getMessage();
      }
      return new Case(name, TestResources.bytes(dir + "bundle.sigstore.json"), digest, authority, authorityError);
    }

    /**
     * An authority the policy cannot even build (a corrupted key) is a rejection of the
     * policy, reported as an Error result here.
     */
    SignatureResult verify() {
      if (authority == null) {
        return new SignatureResult(SignatureStatus.Error, null, null, null, Instant.EPOCH,
            "authority rejected: " + authorityError, List.of());
      }
      InMemorySignatureStore store = new InMemorySignatureStore();
      store.add(REPOSITORY, digest.toString(), new AttachedBundle(name + "/bundle.sigstore.json", bundle));
      ImageSignatureVerifier verifier =
          new ImageSignatureVerifier(store, new TrustedRoots(), Clock.fixed(Instant.parse("2026-08-20T00:00:00Z"), ZoneOffset.UTC));
      return verifier.verify(REPOSITORY, digest.toString(), List.of(authority));
    }

    private static byte[] optional(String relative) {
      try {
        return TestResources.bytes(relative);
      } catch (IllegalArgumentException missing) {
        return null;
      }
    }

    private static String textOr(String relative, String fallback) {
      byte[] bytes = optional(relative);
      return bytes == null ? fallback : new String(bytes, StandardCharsets.UTF_8).strip();
    }
  }
}
