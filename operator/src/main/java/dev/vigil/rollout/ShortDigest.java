package dev.vigil.rollout;

/** Digests shortened for reason strings, as kubectl and registries' UIs show them. */
final class ShortDigest {

  private static final int HEX_CHARS = 12;

  private ShortDigest() {}

  /** "sha256:" and the first 12 hex characters; other text unchanged. */
  static String of(String digest) {
    int colon = digest.indexOf(':');
    if (colon < 0 || digest.length() <= colon + 1 + HEX_CHARS) {
      return digest;
    }
    return digest.substring(0, colon + 1 + HEX_CHARS);
  }
}
