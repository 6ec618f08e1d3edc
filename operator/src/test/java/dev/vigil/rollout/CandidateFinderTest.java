package dev.vigil.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.api.ImagePolicySpec.Updates.Strategy;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryClientConfig;
import dev.vigil.testsupport.ImageFormat;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RegistryPusher;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The candidate finder against a real distribution registry. */
class CandidateFinderTest {

  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");
  private static final String SEMVER_REPO = "team/semver";

  private static LocalRegistry registry;
  private static RegistryPusher pusher;
  private static CandidateFinder finder;

  /** Tag → pushed digest in SEMVER_REPO. */
  private static final Map<String, PushedImage> tags = new HashMap<>();

  private static TestImage arm64Only;

  @BeforeAll
  static void pushTags() {
    registry = LocalRegistry.start();
    pusher = registry.pusher();
    // A small page size makes the finder follow the registry's tag pagination.
    finder =
        new CandidateFinder(
            new RegistryClient(RegistryClientConfig.builder().tagPageSize(4).build()));
    for (String tag :
        new String[] {
          "1.4.0",
          "1.4.1",
          "1.4.2-rc.1",
          "1.4.2-rc.2",
          "1.5.0",
          "2.0.0",
          "v1.4.0",
          "v1.4.3",
          "v1.6.0",
          "v2.1.0",
          "latest",
          "1.4",
          "1.4.9.1",
          "1.4.10-sha256-abc",
          "V1.4.7"
        }) {
      tags.put(tag, pusher.push(SEMVER_REPO, tag, image(AMD64, tag)));
    }
    // Cosign's tag for 1.4.0's signature, and a referrers fallback index: never candidates.
    String hex = tags.get("1.4.0").digest().substring("sha256:".length());
    pusher.push(SEMVER_REPO, "sha256-" + hex + ".sig", image(AMD64, "signature"));
    pusher.push(SEMVER_REPO, "sha256-" + hex, image(AMD64, "referrers"));
    // 1.5.1 exists only for arm64: on amd64 the finder falls back to 1.5.0.
    arm64Only = image(ARM64, "1.5.1");
    tags.put(
        "1.5.1",
        pusher.push(
            SEMVER_REPO, "1.5.1", TestImages.index(ImageFormat.OCI).image(arm64Only).build()));
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  private static TestImage image(Platform platform, String marker) {
    return TestImages.image()
        .platform(platform.toString())
        .layer(
            l -> l.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n").file("version", marker))
        .build();
  }

  private static ImageReference semver(String tag) {
    return registry.reference(SEMVER_REPO + ":" + tag);
  }

  private static String running(String tag) {
    return tags.get(tag).digest();
  }

  @ParameterizedTest(name = "{1} from {0} -> {2}")
  @CsvSource({
    "1.4.0, SemverPatch, 1.4.1",
    "1.4.0, SemverMinor, 1.5.0",
    "1.4.1, SemverPatch, ''",
    "1.5.0, SemverMinor, ''",
    "2.0.0, SemverMinor, ''",
    "v1.4.0, SemverPatch, v1.4.3",
    "v1.4.0, SemverMinor, v1.6.0",
    "1.4.2-rc.1, SemverPatch, 1.4.2-rc.2",
    "1.4.2-rc.2, SemverPatch, ''",
    "1.4.2-rc.1, SemverMinor, 1.5.0",
  })
  void findsTheNewestTagInRangeInTheSameStyle(String current, Strategy strategy, String expected)
      throws Exception {
    Optional<Candidate> found = finder.find(semver(current), running(current), strategy, AMD64);
    if (expected.isEmpty()) {
      assertEquals(Optional.empty(), found);
    } else {
      assertEquals(Optional.of(new Candidate(semver(expected), running(expected), null)), found);
    }
  }

  @Test
  void semverCandidateSkipsATagWithoutAnImageForThePlatform() throws Exception {
    assertEquals(
        Optional.of(new Candidate(semver("1.5.0"), running("1.5.0"), null)),
        finder.find(semver("1.4.0"), running("1.4.0"), Strategy.SemverMinor, AMD64));
    assertEquals(
        Optional.of(
            new Candidate(semver("1.5.1"), arm64Only.manifestDigest(), tags.get("1.5.1").digest())),
        finder.find(semver("1.4.0"), running("1.4.0"), Strategy.SemverMinor, ARM64));
  }

  @Test
  void semverCandidateFollowsTheTagOfAPinnedReference() throws Exception {
    ImageReference pinned = semver("1.4.0").withDigest(running("1.4.0"));
    assertEquals(
        Optional.of(new Candidate(semver("1.4.1"), running("1.4.1"), null)),
        finder.find(pinned, running("1.4.0"), Strategy.SemverPatch, AMD64));
  }

  @Test
  void semverCandidateThatIsAlreadyRunningIsNoCandidate() throws Exception {
    assertEquals(
        Optional.empty(),
        finder.find(semver("1.4.0"), running("1.4.1"), Strategy.SemverPatch, AMD64));
  }

  @Test
  void semverStrategyNeedsASemverTag() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> finder.find(semver("latest"), running("latest"), Strategy.SemverPatch, AMD64));
    assertEquals(
        "tag \"latest\" of "
            + registry.host()
            + "/team/semver:latest is not a SemVer version"
            + " (MAJOR.MINOR.PATCH, optionally with a v prefix): strategy SemverPatch needs one",
        e.getMessage());
  }

  @Test
  void referenceByDigestOnlyHasNoTagToFollow() {
    ImageReference byDigest = registry.reference(SEMVER_REPO + "@" + running("1.4.0"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> finder.find(byDigest, running("1.4.0"), Strategy.Digest, AMD64));
    assertEquals(
        "image " + byDigest + " is pinned by digest only: there is no tag to look for updates of",
        e.getMessage());
  }

  @Test
  void digestStrategyFindsASameTagRebuild() throws Exception {
    PushedImage first = pusher.push("team/rebuilt", "1.4", image(AMD64, "build 1"));
    ImageReference tag = registry.reference("team/rebuilt:1.4");
    assertEquals(Optional.empty(), finder.find(tag, first.digest(), Strategy.Digest, AMD64));

    PushedImage rebuilt = pusher.push("team/rebuilt", "1.4", image(AMD64, "build 2"));

    assertEquals(
        Optional.of(new Candidate(tag, rebuilt.digest(), null)),
        finder.find(tag, first.digest(), Strategy.Digest, AMD64));
    // After a PinDigest rollout the pod spec reads team/rebuilt:1.4@<new>: the tag is followed.
    assertEquals(
        Optional.empty(),
        finder.find(tag.withDigest(rebuilt.digest()), rebuilt.digest(), Strategy.Digest, AMD64));
  }

  @Test
  void digestStrategyComparesThePlatformsOwnManifest() throws Exception {
    TestImage amd64 = image(AMD64, "amd64 build 1");
    TestImage arm64 = image(ARM64, "arm64 build 1");
    PushedImage first =
        pusher.push(
            "team/multi",
            "stable",
            TestImages.index(ImageFormat.OCI).image(amd64).image(arm64).build());
    ImageReference tag = registry.reference("team/multi:stable");
    // Runtimes report the platform manifest or the index digest: neither is a candidate.
    assertEquals(
        Optional.empty(), finder.find(tag, amd64.manifestDigest(), Strategy.Digest, AMD64));
    assertEquals(Optional.empty(), finder.find(tag, first.digest(), Strategy.Digest, AMD64));

    // Only the amd64 image is rebuilt: arm64 nodes have nothing to move to.
    TestImage amd64Rebuilt = image(AMD64, "amd64 build 2");
    PushedImage second =
        pusher.push(
            "team/multi",
            "stable",
            TestImages.index(ImageFormat.OCI).image(amd64Rebuilt).image(arm64).build());

    assertEquals(
        Optional.of(new Candidate(tag, amd64Rebuilt.manifestDigest(), second.digest())),
        finder.find(tag, amd64.manifestDigest(), Strategy.Digest, AMD64));
    assertEquals(
        Optional.empty(), finder.find(tag, arm64.manifestDigest(), Strategy.Digest, ARM64));
  }
}
