package dev.vigil.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.Compression;
import dev.vigil.testsupport.ImageFormat;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RegistryPusher;
import dev.vigil.testsupport.TestArtifact;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import dev.vigil.testsupport.TestIndex;
import dev.vigil.testsupport.TestLayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real distribution registry (anonymous). */
class RegistryClientLocalRegistryTest {

  private static LocalRegistry registry;
  private static RegistryPusher pusher;
  private static final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private static RegistryClient client;

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.start();
    pusher = registry.pusher();
    client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .tagPageSize(3)
                .listener((reg, code) -> requests.add(reg + " " + code))
                .build());
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  private static TestImage image(ImageFormat format, String platform, String marker) {
    return TestImages.image()
        .format(format)
        .platform(platform)
        .layer(l -> l.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n").file("marker", marker))
        .layer(TestImages.layer().file("app/run.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755).build(Compression.ZSTD))
        .user("1000")
        .build();
  }

  @Test
  void pingSucceedsOnAnAnonymousRegistry() throws Exception {
    client.ping(registry.host());
  }

  @Test
  void resolvesAnOciImageByTagToItsManifestConfigAndLayers() throws Exception {
    TestImage image = image(ImageFormat.OCI, "linux/amd64", "oci");
    PushedImage pushed = pusher.push("resolve/oci", "1.0", image);

    ResolvedImage resolved = client.resolve(pushed.reference());

    assertNull(resolved.indexDigest());
    assertNull(resolved.platform());
    assertEquals(image.manifestDigest(), resolved.manifestDigest());
    assertEquals(image.manifestDigest(), resolved.topDigest());
    assertEquals(MediaTypes.OCI_MANIFEST, resolved.manifestMediaType());
    assertArrayEquals(image.manifest(), resolved.rawManifest().content());
    assertEquals(Descriptor.of(MediaTypes.OCI_CONFIG, image.configDigest(), image.config().length), resolved.config());
    assertEquals(
        List.of(
            Descriptor.of(MediaTypes.OCI_LAYER_GZIP, image.layers().get(0).digest(), image.layers().get(0).size()),
            Descriptor.of(MediaTypes.OCI_LAYER_ZSTD, image.layers().get(1).digest(), image.layers().get(1).size())),
        resolved.layers());
    assertArrayEquals(image.config(), client.fetchConfig(pushed.reference().toRepository(), resolved.config()));
  }

  @Test
  void resolvesADockerV2ImageWithDockerMediaTypes() throws Exception {
    TestImage image = image(ImageFormat.DOCKER, "linux/amd64", "docker");
    PushedImage pushed = pusher.push("resolve/docker", "v2", image);

    ResolvedImage resolved = client.resolve(pushed.reference());

    assertEquals(MediaTypes.DOCKER_MANIFEST, resolved.manifestMediaType());
    assertEquals(image.manifestDigest(), resolved.manifestDigest());
    assertEquals(MediaTypes.DOCKER_CONFIG, resolved.config().mediaType());
    assertEquals(MediaTypes.DOCKER_LAYER_GZIP, resolved.layers().get(0).mediaType());
    assertEquals(MediaTypes.DOCKER_LAYER_ZSTD, resolved.layers().get(1).mediaType());
  }

  @Test
  void resolvesEachPlatformOfAnIndexToItsOwnManifestDigest() throws Exception {
    TestImage amd64 = image(ImageFormat.OCI, "linux/amd64", "amd64");
    TestImage arm64 = image(ImageFormat.OCI, "linux/arm64/v8", "arm64");
    TestIndex index = TestImages.index(ImageFormat.OCI).image(amd64).image(arm64).build();
    PushedImage pushed = pusher.push("multi/app", "2.0", index);
    assertEquals(List.of(amd64.manifestDigest(), arm64.manifestDigest()), pushed.manifestDigests());

    ResolvedImage onAmd64 = client.resolve(pushed.reference(), Platform.parse("linux/amd64"));
    ResolvedImage onArm64 = client.resolve(pushed.reference(), Platform.parse("linux/arm64/v8"));

    assertEquals(index.digest(), onAmd64.indexDigest());
    assertEquals(amd64.manifestDigest(), onAmd64.manifestDigest());
    assertEquals(Platform.parse("linux/amd64"), onAmd64.platform());
    assertEquals(index.digest(), onArm64.indexDigest());
    assertEquals(arm64.manifestDigest(), onArm64.manifestDigest());
    assertEquals(arm64.configDigest(), onArm64.config().digest());
    assertEquals("linux/arm64", onArm64.platform().toString());

    // By digest the index is verified and the same platform entry is chosen.
    ResolvedImage byDigest = client.resolve(pushed.byDigest(), Platform.parse("linux/arm64"));
    assertEquals(arm64.manifestDigest(), byDigest.manifestDigest());
  }

  @Test
  void dockerManifestListResolvesLikeAnOciIndex() throws Exception {
    TestImage amd64 = image(ImageFormat.DOCKER, "linux/amd64", "list-amd64");
    TestImage arm64 = image(ImageFormat.DOCKER, "linux/arm64", "list-arm64");
    TestIndex list = TestImages.index(ImageFormat.DOCKER).image(amd64).image(arm64).build();
    PushedImage pushed = pusher.push("multi/list", "1", list);

    ResolvedImage resolved = client.resolve(pushed.reference(), Platform.parse("linux/arm64/v8"));

    assertEquals(list.digest(), resolved.indexDigest());
    assertEquals(arm64.manifestDigest(), resolved.manifestDigest());
    assertEquals(MediaTypes.DOCKER_MANIFEST, resolved.manifestMediaType());
  }

  @Test
  void platformMissingFromTheIndexIsNotFoundNamingTheListedPlatforms() throws Exception {
    TestImage amd64 = image(ImageFormat.OCI, "linux/amd64", "only-amd64");
    PushedImage pushed = pusher.push("multi/single", "1", TestImages.index(ImageFormat.OCI).image(amd64).build());

    RegistryException e =
        assertThrows(RegistryException.class, () -> client.resolve(pushed.reference(), Platform.parse("linux/s390x")));

    assertEquals(RegistryException.Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("no image for platform linux/s390x (it lists: linux/amd64)"), e.getMessage());
  }

  @Test
  void headDigestGivesTheIndexDigestAndThePlatformManifestDigest() throws Exception {
    TestImage amd64 = image(ImageFormat.OCI, "linux/amd64", "head-amd64");
    TestImage arm64 = image(ImageFormat.OCI, "linux/arm64", "head-arm64");
    TestIndex index = TestImages.index(ImageFormat.OCI).image(amd64).image(arm64).build();
    PushedImage pushedIndex = pusher.push("head/app", "multi", index);
    PushedImage pushedSingle = pusher.push("head/app", "single", amd64);

    assertEquals(
        new DigestResolution(index.digest(), MediaTypes.OCI_INDEX, arm64.manifestDigest()),
        client.headDigest(pushedIndex.reference(), Platform.parse("linux/arm64")));
    assertEquals(
        new DigestResolution(amd64.manifestDigest(), MediaTypes.OCI_MANIFEST, amd64.manifestDigest()),
        client.headDigest(pushedSingle.reference(), Platform.LINUX_AMD64));
    // The default platform is linux/amd64.
    assertEquals(amd64.manifestDigest(), client.headDigest(pushedIndex.reference()).platformDigest());
  }

  @Test
  void listTagsReturnsEveryTagOfTheRepository() throws Exception {
    // distribution 2.8 ignores "n" for tag lists and answers in one unsorted page; Link
    // pagination is exercised against a scripted server in HostileRegistryTest.
    TestImage image = image(ImageFormat.OCI, "linux/amd64", "tags");
    List<String> expected = List.of("a1", "b2", "c3", "d4", "e5", "f6", "g7");
    for (String tag : expected) {
      pusher.push("tags/app", tag, image);
    }

    List<String> tags = new ArrayList<>(client.listTags(registry.repository("tags/app")));

    Collections.sort(tags);
    assertEquals(expected, tags);
  }

  @Test
  void unknownManifestIsNotFoundNamingRegistryRepositoryAndStatus() {
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> client.fetchManifest(registry.repository("nothing/here"), "latest"));

    assertEquals(RegistryException.Kind.NOT_FOUND, e.kind());
    assertEquals(404, e.status());
    assertEquals(
        "fetch manifest latest on " + registry.host() + "/nothing/here failed: manifest latest not found: "
            + "MANIFEST_UNKNOWN manifest unknown (HTTP 404)",
        e.getMessage());
  }

  @Test
  void referrersFallBackToTheDigestTagWhenTheRegistryLacksTheReferrersApi() throws Exception {
    TestImage image = image(ImageFormat.OCI, "linux/amd64", "signed");
    PushedImage pushed = pusher.push("refs/app", "1", image);
    TestArtifact signature =
        TestImages.artifact("application/vnd.dev.cosign.artifact.sig.v1+json")
            .subject(image)
            .blob("application/vnd.dev.cosign.simplesigning.v1+json", "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8))
            .annotation("dev.cosignproject.cosign/signature", "MEUC")
            .build();
    TestArtifact sbom =
        TestImages.artifact("application/spdx+json")
            .subject(image)
            .blob("application/spdx+json", "{}".getBytes(StandardCharsets.UTF_8))
            .build();
    pusher.pushReferrer("refs/app", signature);
    pusher.pushReferrer("refs/app", sbom);
    Repository repo = registry.repository("refs/app");

    List<Descriptor> all = client.referrers(repo, pushed.digest(), null);
    List<Descriptor> signatures = client.referrers(repo, pushed.digest(), "application/vnd.dev.cosign.artifact.sig.v1+json");

    assertEquals(List.of(signature.digest(), sbom.digest()), all.stream().map(Descriptor::digest).toList());
    assertEquals(1, signatures.size());
    assertEquals(signature.digest(), signatures.get(0).digest());
    assertEquals(Map.of("dev.cosignproject.cosign/signature", "MEUC"), signatures.get(0).annotations());
    assertEquals(signature.manifest().length, signatures.get(0).size());

    // The artifact manifest itself resolves, with its subject.
    RawManifest raw = client.fetchManifest(repo, signature.digest());
    ImageManifest parsed = ManifestParser.parseManifest(raw.content(), raw.mediaType());
    assertEquals(image.manifestDigest(), parsed.subject().digest());
  }

  @Test
  void referrersOfAnUnreferencedDigestAreEmpty() throws Exception {
    TestImage image = image(ImageFormat.OCI, "linux/amd64", "unsigned");
    PushedImage pushed = pusher.push("refs/none", "1", image);

    assertEquals(List.of(), client.referrers(registry.repository("refs/none"), pushed.digest(), null));
  }

  @Test
  void blobStreamDeliversTheLayerAndVerifiesItsDigest() throws Exception {
    TestLayer layer = TestImages.layer().file("big", new byte[300_000], 0644).build(Compression.NONE);
    TestImage image = TestImages.image().layer(layer).build();
    pusher.push("blobs/app", "1", image);
    Repository repo = registry.repository("blobs/app");

    byte[] streamed;
    try (InputStream in = client.openBlob(repo, Descriptor.of(MediaTypes.OCI_LAYER, layer.digest(), layer.size()))) {
      streamed = in.readAllBytes();
    }

    assertArrayEquals(layer.blob(), streamed);
    assertArrayEquals(image.config(), client.fetchBlob(repo, image.configDigest(), 1 << 20));
    RegistryException tooLarge =
        assertThrows(RegistryException.class, () -> client.fetchBlob(repo, layer.digest(), 1000));
    assertEquals(RegistryException.Kind.TOO_LARGE, tooLarge.kind());
  }

  @Test
  void blobOpenedWithAWrongDescriptorSizeIsRefusedBeforeReading() throws Exception {
    TestImage image = image(ImageFormat.OCI, "linux/amd64", "sizes");
    pusher.push("blobs/sizes", "1", image);
    TestLayer layer = image.layers().get(0);

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> client.openBlob(registry.repository("blobs/sizes"), Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size() + 1)));

    assertEquals(RegistryException.Kind.DIGEST_MISMATCH, e.kind());
  }

  @Test
  void listenerHearsEveryRequestWithTheRegistryName() throws Exception {
    requests.clear();
    client.ping(registry.host());
    assertThrows(RegistryException.class, () -> client.fetchManifest(registry.repository("no/such"), "v1"));
    assertEquals(List.of(registry.host() + " 200", registry.host() + " 404"), requests);
  }
}
