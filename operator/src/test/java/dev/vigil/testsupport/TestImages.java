package dev.vigil.testsupport;

/**
 * Entry point for building test images in memory. Push them with a {@link RegistryPusher}
 * (e.g. {@link LocalRegistry#pusher()}).
 *
 * <pre>{@code
 * TestLayer base = TestImages.layer()
 *     .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
 *     .file("usr/bin/su", elf, 04755)
 *     .symlink("bin", "usr/bin")
 *     .build(Compression.ZSTD);
 * TestImage image = TestImages.image()
 *     .platform("linux/arm64/v8")
 *     .layer(base)
 *     .layer(l -> l.whiteout("etc/shadow").opaque("var/cache/apt"))
 *     .user("1000").exposedPort("8080/tcp").label("org.opencontainers.image.source", "...")
 *     .build();
 * TestIndex index = TestImages.index(ImageFormat.OCI).image(amd64).image(arm64).build();
 * }</pre>
 */
public final class TestImages {

  private TestImages() {}

  /** A new layer. */
  public static TestLayer.Builder layer() {
    return new TestLayer.Builder();
  }

  /** A new single-platform image (OCI, linux/amd64 unless told otherwise). */
  public static TestImage.Builder image() {
    return new TestImage.Builder();
  }

  /** A new index (OCI) or manifest list (Docker). */
  public static TestIndex.Builder index(ImageFormat format) {
    return new TestIndex.Builder(format);
  }

  /** A new OCI 1.1 artifact manifest with this artifactType, to be given a subject. */
  public static TestArtifact.Builder artifact(String artifactType) {
    return new TestArtifact.Builder(artifactType);
  }
}
