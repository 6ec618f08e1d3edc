package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.VerifyCommand;
import dev.vigil.cli.VigilCommand;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `vigil verify IMAGE --policy FILE` against images signed in the real local registry. */
class VerifyCommandTest {

  static LocalRegistry registry;
  static final TestSigstore sigstore = new TestSigstore();
  static final KeyPair releaseKey = TestSigstore.ecKey();

  @BeforeAll
  static void start() {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  record Run(int code, String out, String err) {}

  static Run verify(String... args) {
    CommandLine cli = VigilCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "verify";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  static Path policy(Path dir, KeyPair key) throws Exception {
    String pem = TestSigstore.pem(key.getPublic()).strip().replace("\n", "\n            ");
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, """
        apiVersion: vigil.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: release}
        spec:
          signatures:
            mode: Enforce
            authorities:
              - name: release-key
                key:
                  data: |
                    %s
        """.formatted(pem));
    return file;
  }

  static PushedImage push(String repository, String content) {
    TestImage image = TestImages.image().layer(l -> l.file("etc/release", content + "\n")).build();
    return registry.pusher().push(repository, "1.0", image);
  }

  @Test
  void signedImageVerifiesAndSaysByWhom(@TempDir Path dir) throws Exception {
    PushedImage image = push("acme/signed", "signed");
    String repository = registry.host() + "/acme/signed";
    CosignSignaturePusher.push(registry.pusher(), "acme/signed", image.digest(), List.of(
        new TestCosignSigner(sigstore).signWithKey(releaseKey, TestCosignSigner.payload(repository, image.digest()))));

    Run run = verify("--policy", policy(dir, releaseKey).toString(), image.reference().toString());
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("RESULT     Verified by release-key"), run.out());
    assertTrue(run.out().contains("DIGEST     " + image.digest()), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("  PASS ")), run.out());
  }

  @Test
  void unsignedImageFailsWithExitOne(@TempDir Path dir) throws Exception {
    PushedImage image = push("acme/unsigned", "unsigned");
    Run run = verify("--policy", policy(dir, releaseKey).toString(), image.reference().toString());
    assertEquals(VerifyCommand.EXIT_NOT_VERIFIED, run.code());
    assertTrue(run.out().contains("RESULT     Unsigned"), run.out());
  }

  @Test
  void signatureByAnotherKeyIsInvalidAndExplained(@TempDir Path dir) throws Exception {
    PushedImage image = push("acme/other", "other");
    String repository = registry.host() + "/acme/other";
    CosignSignaturePusher.push(registry.pusher(), "acme/other", image.digest(), List.of(
        new TestCosignSigner(sigstore).signWithKey(TestSigstore.ecKey(),
            TestCosignSigner.payload(repository, image.digest()))));
    Run run = verify("--policy", policy(dir, releaseKey).toString(), image.reference().toString());
    assertEquals(VerifyCommand.EXIT_NOT_VERIFIED, run.code());
    assertTrue(run.out().contains("RESULT     Invalid"), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("  FAIL ")), run.out());
  }

  @Test
  void policyWithoutAuthoritiesIsAUsageError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, "apiVersion: vigil.dev/v1alpha1\nkind: ImagePolicy\nmetadata: {name: p}\nspec: {}\n");
    Run run = verify("--policy", file.toString(), registry.host() + "/acme/x:1");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("no policy has signatures.mode Enforce or Audit"), run.err());
  }
}
