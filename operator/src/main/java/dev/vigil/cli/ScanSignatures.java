package dev.vigil.cli;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.scan.NamedPolicy;
import dev.vigil.scan.PolicyAuthorities;
import dev.vigil.scan.SignatureInfos;
import dev.vigil.signature.Authority;
import dev.vigil.signature.ImageSignatureVerifier;
import dev.vigil.signature.RegistrySignatureStore;
import dev.vigil.signature.SignatureResult;
import dev.vigil.signature.TrustedRoots;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Signature checks for the CLI: the authorities of every policy that asks for signatures. */
final class ScanSignatures {

  private static final PolicyAuthorities.KeyMaterial INLINE_ONLY = new PolicyAuthorities.KeyMaterial() {
    @Override
    public byte[] secret(dev.vigil.api.LocalObjectKeyRef ref) throws PolicyAuthorities.InvalidAuthorityException {
      throw new PolicyAuthorities.InvalidAuthorityException(
          "Secret " + ref.name + " cannot be read outside a cluster; use key.data");
    }

    @Override
    public byte[] configMap(dev.vigil.api.LocalObjectKeyRef ref) throws PolicyAuthorities.InvalidAuthorityException {
      throw new PolicyAuthorities.InvalidAuthorityException(
          "ConfigMap " + ref.name + " cannot be read outside a cluster");
    }
  };

  private final ImageSource registry;
  private final Clock clock;
  private final CommandLine cli;
  private ImageSignatureVerifier verifier;

  ScanSignatures(ImageSource registry, Clock clock, CommandLine cli) {
    this.registry = registry;
    this.clock = clock;
    this.cli = cli;
  }

  /**
   * Built on first use: the Sigstore trusted roots and the verification stack cost start-up
   * time that a scan without a signature policy must not pay.
   */
  private synchronized ImageSignatureVerifier verifier() {
    if (verifier == null) {
      verifier = new ImageSignatureVerifier(new RegistrySignatureStore(registry), new TrustedRoots(), clock);
    }
    return verifier;
  }

  /** Null without policies; NotRequired when none asks; else the verification result. */
  SignatureInfo verify(List<NamedPolicy> policies, ImageReference reference, String digest) {
    if (policies.isEmpty()) {
      return null;
    }
    List<Authority> authorities = authorities(policies);
    if (authorities.isEmpty()) {
      return SignatureInfos.notRequired();
    }
    return SignatureInfos.from(verifier().verify(reference.toRepository().toString(), digest, authorities));
  }

  /** The full result with one check per signature and authority, for `vigil verify`. */
  SignatureResult verifyInDetail(List<Authority> authorities, ImageReference reference, String digest) {
    return verifier().verify(reference.toRepository().toString(), digest, authorities);
  }

  /** The authorities of every policy whose signature mode is not Off. */
  List<Authority> authorities(List<NamedPolicy> policies) {
    List<Authority> authorities = new ArrayList<>();
    for (NamedPolicy policy : policies) {
      ImagePolicySpec.Signatures signatures = policy.spec().signatures;
      if (signatures == null || signatures.mode == ImagePolicySpec.Signatures.Mode.Off) {
        continue;
      }
      try {
        authorities.addAll(PolicyAuthorities.from(signatures, INLINE_ONLY));
      } catch (PolicyAuthorities.InvalidAuthorityException e) {
        throw new ParameterException(cli, "--policy " + policy.name() + ": " + e.getMessage());
      }
    }
    return authorities;
  }
}
