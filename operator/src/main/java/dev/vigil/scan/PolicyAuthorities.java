package dev.vigil.scan;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.LocalObjectKeyRef;
import dev.vigil.signature.Authority;
import dev.vigil.signature.Identity;
import dev.vigil.signature.KeyAuthority;
import dev.vigil.signature.KeylessAuthority;
import dev.vigil.signature.TrustedRootSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns a policy's `signatures.authorities` into the signature package's authorities. */
public final class PolicyAuthorities {

  /** Reads key material a policy references; the operator reads Secrets and ConfigMaps. */
  public interface KeyMaterial {
    /** The value of a Secret key, or throws with the reason it cannot be read. */
    byte[] secret(LocalObjectKeyRef ref) throws InvalidAuthorityException;

    /** The value of a ConfigMap key, or throws with the reason it cannot be read. */
    byte[] configMap(LocalObjectKeyRef ref) throws InvalidAuthorityException;
  }

  /** An authority that cannot be built; the message names the field. */
  public static final class InvalidAuthorityException extends Exception {
    public InvalidAuthorityException(String message) {
      super(message);
    }
  }

  private PolicyAuthorities() {}

  public static List<Authority> from(ImagePolicySpec.Signatures signatures, KeyMaterial keys)
      throws InvalidAuthorityException {
    List<Authority> out = new ArrayList<>();
    if (signatures == null || signatures.authorities == null) {
      return out;
    }
    for (int i = 0; i < signatures.authorities.size(); i++) {
      ImagePolicySpec.Authority a = signatures.authorities.get(i);
      String field = "spec.signatures.authorities[" + i + "]";
      try {
        if (a.key != null) {
          String pem;
          if (a.key.data != null) {
            pem = a.key.data;
          } else if (a.key.secretRef != null) {
            pem = new String(keys.secret(a.key.secretRef), StandardCharsets.UTF_8);
          } else if (a.key.configMapRef != null) {
            pem = new String(keys.configMap(a.key.configMapRef), StandardCharsets.UTF_8);
          } else {
            throw new InvalidAuthorityException(field + ".key: needs secretRef, configMapRef or data");
          }
          out.add(new KeyAuthority(a.name, pem, Boolean.TRUE.equals(a.requireTransparencyLog), null));
        } else if (a.keyless != null) {
          List<Identity> identities = new ArrayList<>();
          for (ImagePolicySpec.Identity id : a.keyless.identities == null
              ? List.<ImagePolicySpec.Identity>of() : a.keyless.identities) {
            identities.add(id.subject != null
                ? Identity.exact(id.issuer, id.subject) : Identity.regExp(id.issuer, id.subjectRegExp));
          }
          TrustedRootSource root = a.keyless.trustedRootRef == null
              ? TrustedRootSource.publicGoodTuf()
              : TrustedRootSource.json(keys.configMap(a.keyless.trustedRootRef.configMapRef));
          out.add(new KeylessAuthority(a.name, identities, root));
        } else {
          throw new InvalidAuthorityException(field + ": needs key or keyless");
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidAuthorityException(field + ": " + e.getMessage());
      }
    }
    return out;
  }
}
