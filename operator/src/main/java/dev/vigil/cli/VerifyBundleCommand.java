package dev.vigil.cli;

import dev.vigil.signature.Authority;
import dev.vigil.signature.Identity;
import dev.vigil.signature.ImageDigest;
import dev.vigil.signature.KeyAuthority;
import dev.vigil.signature.KeylessAuthority;
import dev.vigil.signature.SignatureCheck;
import dev.vigil.signature.SigstoreBundleVerifier;
import dev.vigil.signature.TrustedRootException;
import dev.vigil.signature.TrustedRootSource;
import dev.vigil.signature.TrustedRoots;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil verify-bundle}: verifies one Sigstore bundle against an artifact file or a
 * digest, with a keyless identity or a public key. Exit 0 verified, 1 not verified (reason on
 * stderr), 2 usage error.
 */
@Command(
    name = "verify-bundle",
    mixinStandardHelpOptions = true,
    description = "Verify a Sigstore bundle (v0.1-v0.3) for an artifact file or sha256:/sha512: digest.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:verified", "1:not verified (reason on stderr)", "2:usage error"})
public class VerifyBundleCommand implements Callable<Integer> {

  private static final Pattern DIGEST = Pattern.compile("sha(256|512):[0-9a-fA-F]+");

  @Spec CommandSpec spec;

  @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "Sigstore bundle JSON.")
  Path bundle;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Signer signer;

  static class Signer {
    @ArgGroup(exclusive = false)
    KeylessOptions keyless;

    @Option(names = "--key", paramLabel = "PEM", description = "Public key file (PEM) for key-signed bundles.")
    Path key;
  }

  static class KeylessOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    @Option(names = "--certificate-oidc-issuer", required = true, paramLabel = "URL",
        description = "OIDC issuer that must appear in the certificate.")
    String issuer;
  }

  static class Subject {
    @Option(names = "--certificate-identity", paramLabel = "ID",
        description = "Exact certificate subject (email or URI SAN).")
    String exact;

    @Option(names = "--certificate-identity-regexp", paramLabel = "REGEX",
        description = "Regular expression the whole certificate subject must match.")
    String regExp;
  }

  @Option(names = "--trusted-root", paramLabel = "FILE",
      description = "trusted_root.json; default: the Sigstore public-good root via TUF (network).")
  Path trustedRoot;

  @Parameters(index = "0", paramLabel = "FILE_OR_DIGEST",
      description = "The signed artifact, or its digest as sha256:<hex> / sha512:<hex>.")
  String artifact;

  @Override
  public Integer call() {
    ImageDigest digest = artifactDigest();
    byte[] json = read(bundle, "--bundle");
    TrustedRootSource root =
        trustedRoot == null ? null : TrustedRootSource.json(read(trustedRoot, "--trusted-root"));
    Authority authority = authority(root);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SignatureCheck check;
    try {
      check =
          new SigstoreBundleVerifier(new TrustedRoots())
              .verify(bundle.getFileName().toString(), json, digest, authority);
    } catch (TrustedRootException e) {
      err.println("Verification failed: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (check.verified()) {
      out.println("Verified OK: " + check.reason());
      out.flush();
      return 0;
    }
    err.println("Verification failed: " + check.reason());
    err.flush();
    return 1;
  }

  private Authority authority(TrustedRootSource root) {
    try {
      if (signer.key != null) {
        return new KeyAuthority(
            "--key " + signer.key.getFileName(), new String(read(signer.key, "--key"), java.nio.charset.StandardCharsets.UTF_8),
            false, root);
      }
      KeylessOptions keyless = signer.keyless;
      Identity identity =
          keyless.subject.exact != null
              ? Identity.exact(keyless.issuer, keyless.subject.exact)
              : Identity.regExp(keyless.issuer, keyless.subject.regExp);
      return new KeylessAuthority("--certificate-identity", List.of(identity), root);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private ImageDigest artifactDigest() {
    if (DIGEST.matcher(artifact).matches()) {
      try {
        return ImageDigest.parse(artifact);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }
    Path file = Path.of(artifact);
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(
          spec.commandLine(), "artifact " + artifact + " is neither a readable file nor sha256:<hex>");
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return ImageDigest.sha256(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "cannot read " + artifact + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private byte[] read(Path file, String option) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "cannot read " + option + " " + file + ": " + e.getMessage(), e);
    }
  }
}
