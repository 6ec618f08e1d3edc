package dev.vigil.signature;

import java.util.List;

/** Decides whether an image digest carries a signature that one of the authorities accepts. */
public interface SignatureVerifier {

  /**
   * @param repository the repository the image was pulled from (registry host + path), where
   *     its signatures are attached
   * @param digest the manifest digest, {@code sha256:<hex>}
   * @param authorities any one of them is enough
   * @return Verified, Unsigned, Invalid (with the reasons) or Error; never throws for bad
   *     input or a failing registry
   */
  SignatureResult verify(String repository, String digest, List<Authority> authorities);
}
