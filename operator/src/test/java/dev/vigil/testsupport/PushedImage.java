package dev.vigil.testsupport;

import dev.vigil.registry.ImageReference;
import java.util.List;

/**
 * What a push left in the registry.
 *
 * @param reference the tagged reference ("127.0.0.1:port/repo:tag")
 * @param digest the manifest digest (for an index: the index digest)
 * @param configDigest the config blob's digest; null for an index
 * @param layerDigests layer blob digests, base first; empty for an index
 * @param manifestDigests for an index, each entry's manifest digest in order; for an image, its
 *     own digest
 */
public record PushedImage(
    ImageReference reference,
    String digest,
    String configDigest,
    List<String> layerDigests,
    List<String> manifestDigests) {

  /** The reference pinned to the pushed digest. */
  public ImageReference byDigest() {
    return reference.withDigest(digest);
  }
}
