package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with sigstore-js: a key-signed DSSE bundle made by {@code @sigstore/sign} verifies in
 * Vigil, and one made by Vigil's test signer (with a test Rekor SET) verifies in {@code
 * @sigstore/verify}. Needs {@code npm ci} in src/test/interop/sigstore-js; skipped without it.
 */
class SigstoreJsInteropTest {

  private static final String DIGEST = "sha256:" + "5e".repeat(32);
  private static Path interop;

  @TempDir Path work;

  @BeforeAll
  static void findSigstoreJs() {
    interop =
        Path.of(System.getProperty("vigil.projectRoot", ".."), "operator/src/test/interop/sigstore-js")
            .toAbsolutePath()
            .normalize();
    assumeTrue(Files.isDirectory(interop.resolve("node_modules/@sigstore/sign")),
        "sigstore-js not installed: run npm ci in " + interop);
  }

  private Result node(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", "interop.mjs"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(interop.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "node did not finish");
    return new Result(process.exitValue(), output.strip());
  }

  private record Result(int exit, String output) {}

  @Test
  void bundleSignedBySigstoreJsVerifiesInVigil() throws Exception {
    KeyPair key = TestSigstore.ecKey();
    Path statement = Files.write(work.resolve("statement.json"),
        TestBundleSigner.statement("registry.vigil.test/web", ImageDigest.parse(DIGEST)));
    Path privateKey = Files.writeString(work.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Path bundle = work.resolve("bundle.json");
    Result signed = node("sign", statement.toString(), privateKey.toString(), bundle.toString());
    assertEquals(0, signed.exit(), signed.output());

    SigstoreBundleVerifier verifier = new SigstoreBundleVerifier(new TrustedRoots());
    KeyAuthority authority = new KeyAuthority("js", TestSigstore.pem(key.getPublic()), false, null);
    SignatureCheck check =
        verifier.verify("sigstore-js", Files.readAllBytes(bundle), ImageDigest.parse(DIGEST), authority);
    assertTrue(check.verified(), check.reason());
    assertEquals("bundle verified with the key of authority js", check.reason());

    SignatureCheck otherDigest =
        verifier.verify("sigstore-js", Files.readAllBytes(bundle),
            ImageDigest.parse("sha256:" + "00".repeat(32)), authority);
    assertFalse(otherDigest.verified());
    KeyAuthority otherKey = new KeyAuthority("other", TestSigstore.pem(TestSigstore.ecKey().getPublic()), false, null);
    assertEquals("DSSE signature does not verify with the ECDSA P-256 key",
        verifier.verify("sigstore-js", Files.readAllBytes(bundle), ImageDigest.parse(DIGEST), otherKey).reason());
  }

  @Test
  void bundleSignedByVigilVerifiesInSigstoreJs() throws Exception {
    TestSigstore sigstore = new TestSigstore();
    KeyPair key = TestSigstore.ecKey();
    byte[] statement = TestBundleSigner.statement("registry.vigil.test/web", ImageDigest.parse(DIGEST));
    byte[] bundleJson =
        new TestBundleSigner(sigstore).keyedDsse(key, statement, Instant.parse("2025-03-01T10:00:00Z"));
    Path bundle = Files.write(work.resolve("bundle.json"), bundleJson);
    Path publicKey = Files.writeString(work.resolve("key.pub"), TestSigstore.pem(key.getPublic()));
    Path root = Files.write(work.resolve("trusted_root.json"), sigstore.trustedRootJson());

    Result verified = node("verify", bundle.toString(), publicKey.toString(), root.toString(), "5e".repeat(32));
    assertEquals(0, verified.exit(), verified.output());
    assertEquals("verified by sigstore-js: 1 tlog entries, subject sha256:" + "5e".repeat(32), verified.output());

    // Vigil agrees, and sigstore-js rejects the same bundle under another key.
    assertTrue(new SigstoreBundleVerifier(new TrustedRoots())
        .verify("vigil", bundleJson, ImageDigest.parse(DIGEST),
            new KeyAuthority("k", TestSigstore.pem(key.getPublic()), true, sigstore.trustedRoot()))
        .verified());
    Path otherKey = Files.writeString(work.resolve("other.pub"), TestSigstore.pem(TestSigstore.ecKey().getPublic()));
    Result rejected = node("verify", bundle.toString(), otherKey.toString(), root.toString(), "5e".repeat(32));
    assertEquals(1, rejected.exit(), rejected.output());
    assertTrue(rejected.output().startsWith("not verified:"), rejected.output());
  }
}
