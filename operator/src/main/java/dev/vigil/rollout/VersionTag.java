package dev.vigil.rollout;

import dev.vigil.vulndb.version.Semver;
import java.util.Optional;

/**
 * An image tag read as a SemVer version: "1.4.2", "v1.4.2-rc.1". The prefix ("" or "v" or "V") is
 * kept so that candidates can be limited to the tag style the workload already uses: a repository
 * that publishes both "1.5.0" and "v1.5.0" should not flip a workload between them.
 *
 * @param tag the tag as the registry lists it
 * @param prefix text before the major version: "", "v" or "V"
 * @param version the parsed version
 */
record VersionTag(String tag, String prefix, Semver version) {

  /** The tag as a version, or empty when it is not SemVer or is a cosign/OCI artifact tag. */
  static Optional<VersionTag> parse(String tag) {
    if (isArtifactTag(tag)) {
      return Optional.empty();
    }
    return Semver.parse(tag)
        .map(
            v ->
                new VersionTag(
                    tag,
                    tag.isEmpty() || Character.isDigit(tag.charAt(0)) ? "" : tag.substring(0, 1),
                    v));
  }

  /**
   * Tags that name signatures, attestations, SBOMs or referrer fallbacks ("sha256-&lt;hex&gt;",
   * "sha256-&lt;hex&gt;.sig"), never images to run.
   */
  static boolean isArtifactTag(String tag) {
    return tag.startsWith("sha256-")
        || tag.startsWith("sha512-")
        || tag.endsWith(".sig")
        || tag.endsWith(".att")
        || tag.endsWith(".sbom");
  }
}
