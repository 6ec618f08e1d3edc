package dev.vigil.cli;

import dev.vigil.registry.DigestResolution;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryException;
import dev.vigil.scan.NamedPolicy;
import dev.vigil.signature.Authority;
import dev.vigil.signature.SignatureCheck;
import dev.vigil.signature.SignatureResult;
import dev.vigil.signature.SignatureStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Verifies an image's signatures under a policy's authorities and says why it passed or not. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = VigilVersion.class,
    description = "Verify the signatures of an image under the authorities of ImagePolicy files and"
        + " print every signature found and why it passed or failed. Exit codes: 0 verified,"
        + " 1 unsigned or invalid, 2 usage error, 3 the registry or trust material failed.")
public class VerifyCommand implements Callable<Integer> {

  public static final int EXIT_NOT_VERIFIED = 1;
  public static final int EXIT_ERROR = 3;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "Image reference (tag or digest).")
  String image;

  @Option(names = "--policy", required = true, paramLabel = "FILE",
      description = "ImagePolicy manifest(s) whose signatures.authorities to use (repeatable).")
  List<Path> policyFiles;

  @picocli.CommandLine.Mixin RegistryOptions registryOptions;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<NamedPolicy> policies = PolicyFiles.load(policyFiles, spec.commandLine());
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "IMAGE: " + e.getMessage());
    }
    Platform wanted = registryOptions.platform(spec.commandLine());
    RegistryClient registry = registryOptions.client(spec.commandLine());
    ScanSignatures signatures = new ScanSignatures(registry, Clock.systemUTC(), spec.commandLine());
    List<Authority> authorities = signatures.authorities(policies);
    if (authorities.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--policy: no policy has signatures.mode Enforce or Audit with authorities");
    }
    String digest;
    try {
      DigestResolution resolved = registry.headDigest(reference, wanted);
      digest = resolved.platformDigest();
    } catch (RegistryException e) {
      err.println("vigil: " + image + ": " + e.getMessage());
      return EXIT_ERROR;
    }
    SignatureResult result = signatures.verifyInDetail(authorities, reference, digest);
    out.println("IMAGE      " + reference.canonical());
    out.println("DIGEST     " + digest);
    out.println("RESULT     " + result.status()
        + (result.authority() == null ? "" : " by " + result.authority())
        + (result.identity() == null ? "" : " (" + result.identity()
            + (result.issuer() == null ? "" : ", issuer " + result.issuer()) + ")"));
    if (result.reason() != null) {
      out.println("REASON     " + result.reason());
    }
    for (SignatureCheck check : result.details()) {
      out.println("  " + (check.verified() ? "PASS " : "FAIL ") + check.source() + " against "
          + check.authority() + ": " + check.reason());
    }
    out.flush();
    if (result.status() == SignatureStatus.Verified) {
      return 0;
    }
    return result.status() == SignatureStatus.Error ? EXIT_ERROR : EXIT_NOT_VERIFIED;
  }
}
