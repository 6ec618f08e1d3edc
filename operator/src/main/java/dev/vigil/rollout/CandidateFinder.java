package dev.vigil.rollout;

import dev.vigil.api.ImagePolicySpec.Updates.Strategy;
import dev.vigil.registry.DigestResolution;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the image a container could move to under an update strategy.
 *
 * <ul>
 *   <li>{@link Strategy#Digest}: the container's tag, resolved now for the platform, when it no
 *       longer names the running digest (the tag was rebuilt and pushed again).
 *   <li>{@link Strategy#SemverPatch} / {@link Strategy#SemverMinor}: the tag with the highest
 *       SemVer precedence above the current tag within the same major.minor (patch) or major
 *       (minor). Tags that are not SemVer, use another prefix style than the current tag ("v1.4.1"
 *       when the current tag is "1.4.0"), or name cosign/OCI artifacts are ignored; pre-releases
 *       count only when the current tag is a pre-release of the same MAJOR.MINOR.PATCH. A newer tag
 *       that has no image for the platform (or vanished after listing) is skipped in favour of the
 *       next one.
 * </ul>
 *
 * Same-tag rebuilds are the Digest strategy's job: the SemVer strategies look only at newer tags.
 */
public final class CandidateFinder {

  private final ImageSource source;

  public CandidateFinder(ImageSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * The candidate for a container, or empty when there is nothing newer than what runs.
   *
   * @param current the image reference as written in the pod spec; it must carry a tag (it may also
   *     carry a digest, as after a PinDigest rollout: the tag is what is followed)
   * @param runningDigest the digest the container runs (platform manifest or index digest)
   * @param platform the node platform the workload runs on
   * @throws IllegalArgumentException when the reference has no tag to follow, or a SemVer strategy
   *     meets a current tag that is not SemVer
   * @throws RegistryException when the registry cannot answer
   */
  public Optional<Candidate> find(
      ImageReference current, String runningDigest, Strategy strategy, Platform platform)
      throws RegistryException {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(runningDigest, "runningDigest");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(platform, "platform");
    if (current.tag() == null) {
      throw new IllegalArgumentException(
          "image " + current + " is pinned by digest only: there is no tag to look for updates of");
    }
    return switch (strategy) {
      case Digest -> sameTag(current.withTag(current.tag()), runningDigest, platform);
      case SemverPatch, SemverMinor -> newerVersion(current, runningDigest, strategy, platform);
    };
  }

  private Optional<Candidate> sameTag(
      ImageReference tagged, String runningDigest, Platform platform) throws RegistryException {
    DigestResolution now = source.headDigest(tagged, platform);
    Candidate candidate = candidate(tagged, now);
    return candidate.isRunning(runningDigest) ? Optional.empty() : Optional.of(candidate);
  }

  private Optional<Candidate> newerVersion(
      ImageReference current, String runningDigest, Strategy strategy, Platform platform)
      throws RegistryException {
    VersionTag currentTag =
        VersionTag.parse(current.tag())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "tag \""
                            + current.tag()
                            + "\" of "
                            + current.familiar()
                            + " is not a SemVer version (MAJOR.MINOR.PATCH, optionally with a v"
                            + " prefix): strategy "
                            + strategy
                            + " needs one"));
    List<VersionTag> newer =
        source.listTags(current.toRepository()).stream()
            .map(VersionTag::parse)
            .flatMap(Optional::stream)
            .filter(t -> t.prefix().equals(currentTag.prefix()))
            .filter(t -> inRange(currentTag, t, strategy))
            .sorted(
                Comparator.comparing(VersionTag::version).thenComparing(VersionTag::tag).reversed())
            .toList();
    for (VersionTag tag : newer) {
      ImageReference tagged = current.withTag(tag.tag());
      DigestResolution resolution;
      try {
        resolution = source.headDigest(tagged, platform);
      } catch (RegistryException e) {
        if (e.kind() == RegistryException.Kind.NOT_FOUND) {
          continue; // deleted since listing, or no image for this platform: not runnable here
        }
        throw e;
      }
      Candidate candidate = candidate(tagged, resolution);
      return candidate.isRunning(runningDigest) ? Optional.empty() : Optional.of(candidate);
    }
    return Optional.empty();
  }

  private static boolean inRange(VersionTag current, VersionTag other, Strategy strategy) {
    if (other.version().compareTo(current.version()) <= 0) {
      return false;
    }
    // A pre-release is a candidate only for a workload already on a pre-release of the same
    // MAJOR.MINOR.PATCH (npm's rule): opting into 1.4.2-rc.1 is not opting into 1.4.10-beta.
    if (other.version().isPrerelease()
        && !(current.version().isPrerelease() && sameRelease(current, other))) {
      return false;
    }
    if (other.version().major() != current.version().major()) {
      return false;
    }
    return strategy == Strategy.SemverMinor || other.version().minor() == current.version().minor();
  }

  private static boolean sameRelease(VersionTag a, VersionTag b) {
    return a.version().major() == b.version().major()
        && a.version().minor() == b.version().minor()
        && a.version().patch() == b.version().patch();
  }

  private static Candidate candidate(ImageReference tagged, DigestResolution resolution) {
    String index =
        resolution.digest().equals(resolution.platformDigest()) ? null : resolution.digest();
    return new Candidate(tagged, resolution.platformDigest(), index);
  }
}
