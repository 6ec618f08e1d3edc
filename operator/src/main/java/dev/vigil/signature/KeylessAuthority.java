package dev.vigil.signature;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An authority that trusts short-lived Fulcio certificates issued to one of a list of OIDC
 * identities. The list may never be empty: an empty list would mean "anyone who can get a
 * Fulcio certificate", which is no authority at all.
 */
public final class KeylessAuthority implements Authority {

  private final String name;
  private final List<Identity> identities;
  private final TrustedRootSource trustedRoot;

  /**
   * @param trustedRoot the Fulcio/Rekor/CT trust material; null means the Sigstore public-good
   *     instance through TUF
   * @throws IllegalArgumentException when the name is missing or there is no identity
   */
  public KeylessAuthority(String name, List<Identity> identities, TrustedRootSource trustedRoot) {
    Authority.requireName(name);
    if (identities == null || identities.isEmpty()) {
      throw new IllegalArgumentException(
          "keyless authority " + name + " lists no identities; at least one issuer+subject is required");
    }
    if (identities.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("keyless authority " + name + " has a null identity");
    }
    this.name = name;
    this.identities = List.copyOf(identities);
    this.trustedRoot = trustedRoot == null ? TrustedRootSource.publicGoodTuf() : trustedRoot;
  }

  @Override
  public String name() {
    return name;
  }

  public List<Identity> identities() {
    return identities;
  }

  /** Always true: see {@link Authority#requireTransparencyLog()}. */
  @Override
  public boolean requireTransparencyLog() {
    return true;
  }

  @Override
  public TrustedRootSource trustedRoot() {
    return trustedRoot;
  }

  @Override
  public String fingerprint() {
    return "keyless|"
        + name
        + "|"
        + identities.stream().map(Identity::toString).collect(Collectors.joining(";"))
        + "|"
        + trustedRoot.cacheKey();
  }

  @Override
  public String toString() {
    return "keyless authority " + name;
  }
}
