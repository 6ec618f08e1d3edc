package dev.vigil.rollout;

import dev.vigil.registry.Digest;
import dev.vigil.registry.ImageReference;
import java.util.Objects;

/**
 * An image a workload container could move to.
 *
 * @param reference the candidate's repository and tag, without a digest
 * @param digest digest of the platform image manifest: what the node would run
 * @param indexDigest digest of the index the platform manifest was chosen from; null when the tag
 *     names a single-platform manifest
 */
public record Candidate(ImageReference reference, String digest, String indexDigest) {

  public Candidate {
    Objects.requireNonNull(reference, "reference");
    if (reference.tag() == null || reference.hasDigest()) {
      throw new IllegalArgumentException(
          "a candidate reference names a tag and no digest, not " + reference);
    }
    Digest.parse(digest);
    if (indexDigest != null) {
      Digest.parse(indexDigest);
    }
  }

  /** The candidate's tag. */
  public String tag() {
    return reference.tag();
  }

  /** The reference pinned to the candidate: {@code repo:tag@digest}. */
  public ImageReference pinned() {
    return reference.withDigest(digest);
  }

  /**
   * True when a container reporting {@code runningDigest} already runs this candidate. Runtimes
   * report either the platform manifest or the index digest, so both count.
   */
  public boolean isRunning(String runningDigest) {
    return digest.equals(runningDigest)
        || (indexDigest != null && indexDigest.equals(runningDigest));
  }

  /** "tag@sha256:0123456789ab", short enough for reasons and events. */
  public String describe() {
    return tag() + "@" + ShortDigest.of(digest);
  }
}
