package dev.vigil.signature;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies an image by fetching everything attached to its digest from a {@link
 * SignatureStore} (cosign tag-scheme signatures and Sigstore bundle referrers) and checking
 * each against each authority until one passes.
 */
public final class ImageSignatureVerifier implements SignatureVerifier {

  private final SignatureStore store;
  private final CosignSignatureVerifier cosign;
  private final SigstoreBundleVerifier bundles;
  private final Clock clock;

  public ImageSignatureVerifier(SignatureStore store, TrustedRoots roots, Clock clock) {
    this.store = store;
    this.cosign = new CosignSignatureVerifier(roots);
    this.bundles = new SigstoreBundleVerifier(roots);
    this.clock = clock;
  }

  @Override
  public SignatureResult verify(String repository, String digest, List<Authority> authorities) {
    ImageDigest imageDigest;
    try {
      imageDigest = ImageDigest.parse(digest);
    } catch (IllegalArgumentException e) {
      return error("cannot verify " + repository + "@" + digest + ": " + e.getMessage(), List.of());
    }
    if (authorities == null || authorities.isEmpty()) {
      return error("no signature authority is configured to verify against", List.of());
    }
    List<String> problems = new ArrayList<>();
    List<CosignSignature> signatures = List.of();
    List<AttachedBundle> attached = List.of();
    try {
      signatures = store.cosignSignatures(repository, imageDigest);
    } catch (SignatureStoreException e) {
      problems.add("cosign signatures could not be fetched: " + e.getMessage());
    }
    try {
      attached = store.sigstoreBundles(repository, imageDigest);
    } catch (SignatureStoreException e) {
      problems.add("Sigstore bundles could not be fetched: " + e.getMessage());
    }
    if (signatures.isEmpty() && attached.isEmpty()) {
      if (!problems.isEmpty()) {
        return error(String.join("; ", problems), List.of());
      }
      return new SignatureResult(
          SignatureStatus.Unsigned, null, null, null, clock.instant(),
          "no cosign signature (tag " + imageDigest.algorithm() + "-" + imageDigest.hex()
              + ".sig) and no Sigstore bundle referrer found for " + imageDigest,
          List.of());
    }
    List<SignatureCheck> details = new ArrayList<>();
    for (Authority authority : authorities) {
      try {
        SignatureCheck passed = checkAll(authority, signatures, attached, imageDigest, details);
        if (passed != null) {
          return verified(passed, details);
        }
      } catch (TrustedRootException e) {
        problems.add("authority " + authority.name() + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      return error(
          String.join("; ", problems) + (details.isEmpty() ? "" : "; and " + summary(details)),
          details);
    }
    return new SignatureResult(
        SignatureStatus.Invalid, null, null, null, clock.instant(), summary(details), details);
  }

  /** Checks every signature under one authority; returns the first that passes, else null. */
  private SignatureCheck checkAll(
      Authority authority,
      List<CosignSignature> signatures,
      List<AttachedBundle> attached,
      ImageDigest digest,
      List<SignatureCheck> details)
      throws TrustedRootException {
    for (CosignSignature signature : signatures) {
      SignatureCheck check = cosign.verify(signature, digest, authority);
      details.add(check);
      if (check.verified()) {
        return check;
      }
    }
    for (AttachedBundle bundle : attached) {
      SignatureCheck check = bundles.verify(bundle.source(), bundle.json(), digest, authority);
      details.add(check);
      if (check.verified()) {
        return check;
      }
    }
    return null;
  }

  private SignatureResult verified(SignatureCheck check, List<SignatureCheck> details) {
    return new SignatureResult(
        SignatureStatus.Verified,
        check.authority(),
        check.identity(),
        check.issuer(),
        clock.instant(),
        check.reason(),
        details);
  }

  private SignatureResult error(String reason, List<SignatureCheck> details) {
    return new SignatureResult(SignatureStatus.Error, null, null, null, clock.instant(), reason, details);
  }

  private static String summary(List<SignatureCheck> details) {
    Set<String> reasons = new LinkedHashSet<>();
    for (SignatureCheck check : details) {
      reasons.add(check.authority() + ": " + check.reason());
    }
    long signatures = details.stream().map(SignatureCheck::source).distinct().count();
    return signatures + (signatures == 1 ? " signature" : " signatures")
        + " found, none verified: " + String.join("; ", reasons);
  }
}
