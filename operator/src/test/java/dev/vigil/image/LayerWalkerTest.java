package dev.vigil.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.image.FileEntry.Type;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class LayerWalkerTest {

  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final String OCI_TAR = "application/vnd.oci.image.layer.v1.tar";
  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final String OCI_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  private final LayerWalker walker = new LayerWalker();

  private static final ContentSelector OS_RELEASE =
      new ContentSelector("os", 1, p -> p.equals("etc/os-release"), 1024);

  private static byte[] sampleTar() {
    return TarLayer.pax()
        .dir("./", 0755)
        .dir("./etc/", 0755)
        .file("./etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
        .dir("./usr/bin/", 0755)
        .file("./usr/bin/su", new byte[] {1, 2, 3}, 04755, 0, 0)
        .tar();
  }

  private LayerFacts walk(byte[] blob, String mediaType, byte[] tar, List<ContentSelector> selectors)
      throws LayerException {
    return walker.walk(DIGEST, mediaType, new ByteArrayInputStream(blob), TarLayer.sha256(tar), selectors);
  }

  /** A bad layer must leave the walker (and the process) able to walk the next one. */
  private void assertGoodWalkStillWorks() throws LayerException {
    byte[] tar = sampleTar();
    LayerFacts facts = walk(TarLayer.gzip(tar), OCI_GZIP, tar, List.of(OS_RELEASE));
    assertEquals(List.of("etc", "etc/os-release", "usr/bin", "usr/bin/su"), paths(facts));
  }

  private static List<String> paths(LayerFacts facts) {
    List<String> paths = new ArrayList<>();
    for (FileEntry entry : facts.entries()) {
      paths.add(entry.path());
    }
    return paths;
  }

  @Test
  void uncompressedLayerYieldsEveryEntryWithNormalisedPathsAndCapturedContent() throws Exception {
    byte[] tar = sampleTar();
    LayerFacts facts = walk(tar, OCI_TAR, tar, List.of(OS_RELEASE));

    assertEquals(
        List.of(
            new FileEntry("etc", Type.DIRECTORY, 0755, 0, 0, 0, null, DIGEST, -1),
            new FileEntry("etc/os-release", Type.FILE, 0644, 0, 0, 26, null, DIGEST, -1),
            new FileEntry("usr/bin", Type.DIRECTORY, 0755, 0, 0, 0, null, DIGEST, -1),
            new FileEntry("usr/bin/su", Type.FILE, 04755, 0, 0, 3, null, DIGEST, -1)),
        facts.entries());
    assertEquals(LayerCompression.NONE, facts.compression());
    assertEquals(TarLayer.sha256(tar), facts.diffId());
    assertEquals(tar.length, facts.uncompressedBytes());
    assertEquals(tar.length, facts.compressedBytes());
    assertEquals(5, facts.tarEntryCount());
    assertEquals(1, facts.captured().size());
    CapturedFile osRelease = facts.captured().get(0);
    assertEquals("etc/os-release", osRelease.path());
    assertEquals("ID=debian\nVERSION_ID=\"12\"\n", new String(osRelease.content(), StandardCharsets.UTF_8));
    assertFalse(osRelease.truncated());
    assertEquals(DIGEST, osRelease.layerDigest());
    assertEquals(26, facts.capturedBytes());
    assertTrue(facts.entries().get(3).isSetuid());
  }

  @Test
  void gzipLayerIsDecompressedAndHashedAgainstTheDiffId() throws Exception {
    byte[] tar = sampleTar();
    byte[] blob = TarLayer.gzip(tar);
    LayerFacts facts = walk(blob, OCI_GZIP, tar, List.of());
    assertEquals(LayerCompression.GZIP, facts.compression());
    assertEquals(List.of("etc", "etc/os-release", "usr/bin", "usr/bin/su"), paths(facts));
    assertEquals(blob.length, facts.compressedBytes());
    assertEquals(tar.length, facts.uncompressedBytes());
  }

  @Test
  void concatenatedGzipMembersAreReadToTheEnd() throws Exception {
    TarLayer layer = TarLayer.pax();
    for (int i = 0; i < 40; i++) {
      layer.file("data/file" + i, "content " + i);
    }
    byte[] tar = layer.tar();
    // Split in the middle of an entry so the second member carries half a file.
    byte[] blob = TarLayer.gzipTwoMembers(tar, tar.length / 2 + 100);
    // A source that, like a socket, has nothing "available" at the member boundary.
    InputStream trickle = new FilterInputStream(new ByteArrayInputStream(blob)) {
      @Override
      public int available() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 7));
      }
    };
    LayerFacts facts = walker.walk(DIGEST, OCI_GZIP, trickle, TarLayer.sha256(tar), List.of());
    assertEquals(40, facts.entries().size());
    assertEquals("data/file39", facts.entries().get(39).path());
    assertEquals(tar.length, facts.uncompressedBytes());
  }

  @Test
  void zstdLayerIsDecompressed() throws Exception {
    byte[] tar = sampleTar();
    LayerFacts facts = walk(TarLayer.zstd(tar), OCI_ZSTD, tar, List.of(OS_RELEASE));
    assertEquals(LayerCompression.ZSTD, facts.compression());
    assertEquals(List.of("etc", "etc/os-release", "usr/bin", "usr/bin/su"), paths(facts));
    assertEquals("etc/os-release", facts.captured().get(0).path());
  }

  @Test
  void compressionIsTakenFromTheBytesWhenTheMediaTypeIsForeignOrWrong() throws Exception {
    byte[] tar = sampleTar();
    LayerFacts nondistributable =
        walk(TarLayer.gzip(tar), "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", tar, List.of());
    assertEquals(4, nondistributable.entries().size());
    LayerFacts unknownType = walk(TarLayer.zstd(tar), "application/x-something", tar, List.of());
    assertEquals(LayerCompression.ZSTD, unknownType.compression());
    LayerFacts declaredGzipButPlain =
        walk(tar, "application/vnd.docker.image.rootfs.diff.tar.gzip", tar, List.of());
    assertEquals(LayerCompression.NONE, declaredGzipButPlain.compression());
    assertEquals(4, declaredGzipButPlain.entries().size());
  }

  @Test
  void longNamesInPaxAndGnuFormAreRead() throws Exception {
    String longDir = "usr/share/" + "d".repeat(60) + "/" + "e".repeat(60);
    String paxName = longDir + "/pax-file.txt";
    String gnuName = longDir + "/gnu-file.txt";
    String longTarget = "../../" + "t".repeat(120);
    byte[] paxTar = TarLayer.pax().file(paxName, "p").symlink(longDir + "/link", longTarget).tar();
    byte[] gnuTar = TarLayer.gnu().file(gnuName, "g").symlink(longDir + "/link", longTarget).tar();

    LayerFacts pax = walk(paxTar, OCI_TAR, paxTar, List.of());
    LayerFacts gnu = walk(TarLayer.gzip(gnuTar), OCI_GZIP, gnuTar, List.of());

    assertTrue(paxName.length() > 100);
    assertEquals(List.of(paxName, longDir + "/link"), paths(pax));
    assertEquals(longTarget, pax.entries().get(1).linkTarget());
    assertEquals(List.of(gnuName, longDir + "/link"), paths(gnu));
    assertEquals(longTarget, gnu.entries().get(1).linkTarget());
    assertEquals(2, pax.tarEntryCount());
  }

  @Test
  void linksDevicesOwnersAndSpecialBitsAreRecorded() throws Exception {
    byte[] tar = TarLayer.pax()
        .file("usr/bin/passwd", new byte[] {9}, 04755, 0, 0)
        .file("usr/bin/wall", new byte[] {8}, 02755, 0, 5)
        .dir("tmp", 01777)
        .file("home/app/data", new byte[] {7, 7}, 0600, 1000, 1001)
        .file("home/app/big-uid", new byte[] {1}, 0640, 3_000_000_000L, 70_000)
        .hardlink("usr/bin/passwd2", "usr/bin/passwd")
        .symlink("bin/sh", "dash")
        .fifo("run/initctl")
        .tar();

    LayerFacts facts = walk(tar, OCI_TAR, tar, List.of());

    assertEquals(
        List.of(
            new FileEntry("usr/bin/passwd", Type.FILE, 04755, 0, 0, 1, null, DIGEST, -1),
            new FileEntry("usr/bin/wall", Type.FILE, 02755, 0, 5, 1, null, DIGEST, -1),
            new FileEntry("tmp", Type.DIRECTORY, 01777, 0, 0, 0, null, DIGEST, -1),
            new FileEntry("home/app/data", Type.FILE, 0600, 1000, 1001, 2, null, DIGEST, -1),
            new FileEntry("home/app/big-uid", Type.FILE, 0640, 3_000_000_000L, 70_000, 1, null, DIGEST, -1),
            new FileEntry("usr/bin/passwd2", Type.HARDLINK, 0755, 0, 0, 0, "usr/bin/passwd", DIGEST, -1),
            new FileEntry("bin/sh", Type.SYMLINK, 0777, 0, 0, 0, "dash", DIGEST, -1),
            new FileEntry("run/initctl", Type.OTHER, 0644, 0, 0, 0, null, DIGEST, -1)),
        facts.entries());
    assertTrue(facts.entries().get(0).isSetuid());
    assertTrue(facts.entries().get(1).isSetgid());
  }

  @Test
  void whiteoutsAndOpaqueMarkersAreRecordedNotListedAsFiles() throws Exception {
    byte[] tar = TarLayer.pax()
        .whiteout("etc/app")
        .whiteout("top-level")
        .dir("opt/data", 0755)
        .opaque("opt/data")
        .opaque(".")
        .file("opt/data/new", "n")
        .file("usr/lib/.wh..wh.plnk/1234", "aufs hard link store")
        .file("usr/share/not.wh.a-whiteout", "x")
        .tar();

    LayerFacts facts = walk(tar, OCI_TAR, tar, List.of());

    assertEquals(List.of("etc/app", "top-level"), facts.whiteouts());
    assertEquals(List.of("opt/data", ""), facts.opaqueDirectories());
    assertEquals(List.of("opt/data", "opt/data/new", "usr/share/not.wh.a-whiteout"), paths(facts));
  }

  @Test
  void aPathWrittenTwiceKeepsItsLastVersion() throws Exception {
    byte[] tar = TarLayer.pax()
        .file("etc/config", "first")
        .file("etc/other", "o")
        .symlink("etc/config", "other")
        .tar();
    ContentSelector config = new ContentSelector("cfg", 1, p -> p.startsWith("etc/"), 100);

    LayerFacts facts = walk(tar, OCI_TAR, tar, List.of(config));

    assertEquals(List.of("etc/other", "etc/config"), paths(facts));
    assertEquals(Type.SYMLINK, facts.entries().get(1).type());
    assertEquals(List.of("etc/other"), facts.captured().stream().map(CapturedFile::path).toList());
  }

  @Test
  void capturedContentIsCappedPerSelectorAndMarkedTruncated() throws Exception {
    byte[] tar = TarLayer.pax()
        .file("var/lib/dpkg/status", "0123456789")
        .file("etc/shadow", "root:*:1")
        .hardlink("etc/shadow-copy", "etc/shadow")
        .tar();
    ContentSelector small = new ContentSelector("small", 1, p -> p.startsWith("var/"), 4);
    ContentSelector larger = new ContentSelector("larger", 2, p -> p.equals("var/lib/dpkg/status"), 6);
    ContentSelector shadow = new ContentSelector("shadow", 1, p -> p.startsWith("etc/shadow"), 100);

    LayerFacts facts = walk(tar, OCI_TAR, tar, List.of(small, larger, shadow));

    assertEquals(3, facts.captured().size());
    CapturedFile status = facts.captured().get(0);
    assertEquals("var/lib/dpkg/status", status.path());
    assertArrayEquals("012345".getBytes(StandardCharsets.UTF_8), status.content());
    assertTrue(status.truncated());
    assertEquals("etc/shadow-copy", facts.captured().get(2).path());
    assertArrayEquals("root:*:1".getBytes(StandardCharsets.UTF_8), facts.captured().get(2).content());
    assertFalse(facts.captured().get(2).truncated());
  }

  @Test
  void diffIdMismatchIsRefused() throws Exception {
    byte[] tar = sampleTar();
    LayerException e = assertThrows(LayerException.class,
        () -> walker.walk(DIGEST, OCI_GZIP, new ByteArrayInputStream(TarLayer.gzip(tar)),
            "sha256:" + "00".repeat(32), List.of()));
    assertEquals(LayerException.Reason.DIFF_ID_MISMATCH, e.reason());
    assertEquals(DIGEST, e.layerDigest());
    assertEquals("layer " + DIGEST + ": uncompressed tar hashes to " + TarLayer.sha256(tar)
        + " but the image config says sha256:" + "00".repeat(32), e.getMessage());
    assertGoodWalkStillWorks();
  }

  @Test
  void aDiffIdThatIsNotSha256IsRefused() throws Exception {
    byte[] tar = sampleTar();
    LayerException e = assertThrows(LayerException.class,
        () -> walker.walk(DIGEST, OCI_TAR, new ByteArrayInputStream(tar), "md5:abc", List.of()));
    assertEquals(LayerException.Reason.DIFF_ID_MISMATCH, e.reason());
    assertEquals("the image config's diff_id 'md5:abc' is not a sha256 digest", e.detail());
  }

  @Test
  void truncatedGzipIsReportedAsTruncated() throws Exception {
    TarLayer layer = TarLayer.pax();
    for (int i = 0; i < 200; i++) {
      layer.file("f/" + i, "some text that is not very compressible " + i * 7919);
    }
    byte[] tar = layer.tar();
    byte[] gzip = TarLayer.gzip(tar);
    byte[] cut = Arrays.copyOf(gzip, gzip.length / 2);
    LayerException e = assertThrows(LayerException.class, () -> walk(cut, OCI_GZIP, tar, List.of()));
    assertEquals(LayerException.Reason.TRUNCATED, e.reason());
    assertGoodWalkStillWorks();
  }

  @Test
  void gzipMissingOnlyItsTrailerIsReportedAsTruncated() throws Exception {
    byte[] tar = sampleTar();
    byte[] gzip = TarLayer.gzip(tar);
    byte[] cut = Arrays.copyOf(gzip, gzip.length - 4);
    LayerException e = assertThrows(LayerException.class, () -> walk(cut, OCI_GZIP, tar, List.of()));
    assertEquals(LayerException.Reason.TRUNCATED, e.reason());
  }

  @Test
  void truncatedZstdIsReportedAsTruncated() throws Exception {
    TarLayer layer = TarLayer.pax();
    for (int i = 0; i < 200; i++) {
      layer.file("f/" + i, "zstd content " + i * 104729);
    }
    byte[] tar = layer.tar();
    byte[] zstd = TarLayer.zstd(tar);
    byte[] cut = Arrays.copyOf(zstd, zstd.length / 2);
    LayerException e = assertThrows(LayerException.class, () -> walk(cut, OCI_ZSTD, tar, List.of()));
    assertEquals(LayerException.Reason.TRUNCATED, e.reason());
    assertGoodWalkStillWorks();
  }

  @Test
  void tarCutInsideAFileIsReportedAsTruncated() throws Exception {
    byte[] tar = TarLayer.pax().file("big", new byte[5000], 0644, 0, 0).file("after", "x").tar();
    byte[] cut = Arrays.copyOf(tar, 512 + 2000);
    LayerException e = assertThrows(LayerException.class, () -> walk(cut, OCI_TAR, tar, List.of()));
    assertEquals(LayerException.Reason.TRUNCATED, e.reason());
    assertGoodWalkStillWorks();
  }

  @Test
  void tarCutInsideThePaddingAfterAFileIsReportedAsTruncated() throws Exception {
    // The walker skips the rest of an entry and its padding itself (not through commons-compress).
    byte[] tar = TarLayer.pax().file("big", new byte[5000], 0644, 0, 0).file("after", "x").tar();
    byte[] cut = Arrays.copyOf(tar, 512 + 5000 + 50);
    LayerException e = assertThrows(LayerException.class, () -> walk(cut, OCI_TAR, tar, List.of()));
    assertEquals(LayerException.Reason.TRUNCATED, e.reason(), e.getMessage());
    assertGoodWalkStillWorks();
  }

  @Test
  void offsetsInHeaderErrorsCountTheSkippedContentAndPadding() throws Exception {
    byte[] tar = TarLayer.pax().file("big", new byte[5000], 0644, 0, 0).file("after", "x").tar();
    byte[] corrupt = tar.clone();
    int secondHeader = 512 + 5120;
    corrupt[secondHeader + 148] ^= 0x01; // a checksum digit of the second header
    LayerException e = assertThrows(LayerException.class, () -> walk(corrupt, OCI_TAR, tar, List.of()));
    assertEquals(LayerException.Reason.CORRUPT, e.reason(), e.getMessage());
    assertEquals("tar header checksum mismatch at offset " + secondHeader, e.detail());
  }

  @Test
  void tarCutInsideAHeaderIsReportedAsTruncated() throws Exception {
    byte[] tar = TarLayer.pax().file("a", "x").file("b", "y").tar();
    byte[] cut = Arrays.copyOf(tar, 1024 + 100);
    LayerException e = assertThrows(LayerException.class, () -> walk(cut, OCI_TAR, tar, List.of()));
    assertEquals(LayerException.Reason.TRUNCATED, e.reason());
    assertEquals("tar archive ends inside a header record at offset 1024", e.detail());
  }

  @Test
  void tarCutAtARecordBoundaryFailsTheDiffIdCheck() throws Exception {
    byte[] tar = TarLayer.pax().file("a", "x").file("b", "y").tar();
    byte[] cut = Arrays.copyOf(tar, 1024);
    LayerException e = assertThrows(LayerException.class, () -> walk(cut, OCI_TAR, tar, List.of()));
    assertEquals(LayerException.Reason.DIFF_ID_MISMATCH, e.reason(), e.getMessage());
  }

  @Test
  void aStreamThatIsNotTarIsRefused() throws Exception {
    byte[] text = "{\"schemaVersion\": 2, \"this\": \"is a json document, not a layer\"}\n"
        .repeat(20).getBytes(StandardCharsets.UTF_8);
    LayerException plain = assertThrows(LayerException.class,
        () -> walk(text, "application/vnd.oci.image.config.v1+json", text, List.of()));
    assertEquals(LayerException.Reason.NOT_A_TAR, plain.reason());
    assertEquals("the layer does not start with a tar header (media type"
        + " application/vnd.oci.image.config.v1+json)", plain.detail());

    LayerException gzipped = assertThrows(LayerException.class,
        () -> walk(TarLayer.gzip(text), OCI_GZIP, text, List.of()));
    assertEquals(LayerException.Reason.NOT_A_TAR, gzipped.reason());

    byte[] tiny = "hello".getBytes(StandardCharsets.UTF_8);
    LayerException shortOne = assertThrows(LayerException.class, () -> walk(tiny, OCI_TAR, tiny, List.of()));
    assertEquals(LayerException.Reason.NOT_A_TAR, shortOne.reason());

    LayerException empty = assertThrows(LayerException.class,
        () -> walk(new byte[0], OCI_TAR, new byte[0], List.of()));
    assertEquals(LayerException.Reason.NOT_A_TAR, empty.reason());
    assertGoodWalkStillWorks();
  }

  @Test
  void xzCompressedBlobIsRefusedAsUnsupported() throws Exception {
    byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4, 1, 2, 3};
    LayerException e = assertThrows(LayerException.class, () -> walk(xz, OCI_TAR, xz, List.of()));
    assertEquals(LayerException.Reason.UNSUPPORTED_COMPRESSION, e.reason());
    assertEquals("xz compressed data; layers must be plain tar, gzip or zstd", e.detail());
  }

  @Test
  void absolutePathIsRefused() throws Exception {
    byte[] tar = TarLayer.pax().file("ok", "x").file("/etc/passwd", "root::0:0").tar();
    LayerException e = assertThrows(LayerException.class, () -> walk(tar, OCI_TAR, tar, List.of()));
    assertEquals(LayerException.Reason.UNSAFE_PATH, e.reason());
    assertEquals("absolute path in tar entry: /etc/passwd", e.detail());
    assertGoodWalkStillWorks();
  }

  @Test
  void absolutePathHiddenInALongNameRecordIsRefused() throws Exception {
    String longAbsolute = "/" + "x".repeat(120) + "/evil";
    byte[] pax = TarLayer.pax().file(longAbsolute, "x").tar();
    byte[] gnu = TarLayer.gnu().file(longAbsolute, "x").tar();
    LayerException paxError = assertThrows(LayerException.class, () -> walk(pax, OCI_TAR, pax, List.of()));
    LayerException gnuError = assertThrows(LayerException.class, () -> walk(gnu, OCI_TAR, gnu, List.of()));
    assertEquals(LayerException.Reason.UNSAFE_PATH, paxError.reason());
    assertEquals("absolute path in tar entry: " + longAbsolute, paxError.detail());
    assertEquals(LayerException.Reason.UNSAFE_PATH, gnuError.reason());
    assertEquals("absolute path in tar entry: " + longAbsolute, gnuError.detail());
  }

  @Test
  void dotDotEscapeIsRefusedButInnerDotDotIsNormalised() throws Exception {
    byte[] escaping = TarLayer.pax().file("usr/../../etc/cron.d/evil", "x").tar();
    LayerException e = assertThrows(LayerException.class, () -> walk(escaping, OCI_TAR, escaping, List.of()));
    assertEquals(LayerException.Reason.UNSAFE_PATH, e.reason());
    assertEquals("tar entry escapes the image root: usr/../../etc/cron.d/evil", e.detail());

    byte[] hardLinkOut = TarLayer.pax().hardlink("etc/shadow2", "../host/etc/shadow").tar();
    LayerException link = assertThrows(LayerException.class,
        () -> walk(hardLinkOut, OCI_TAR, hardLinkOut, List.of()));
    assertEquals(LayerException.Reason.UNSAFE_PATH, link.reason());

    byte[] inner = TarLayer.pax().file("./usr//lib/./x/../libc.so", "x").tar();
    assertEquals(List.of("usr/lib/libc.so"), paths(walk(inner, OCI_TAR, inner, List.of())));
    assertGoodWalkStillWorks();
  }

  @Test
  void entryCountLimitStopsTheWalk() throws Exception {
    TarLayer layer = TarLayer.pax();
    for (int i = 0; i < 11; i++) {
      layer.file("f" + i, "x");
    }
    byte[] tar = layer.tar();
    LayerWalker limited = new LayerWalker(WalkLimits.DEFAULTS.withMaxEntriesPerLayer(10));
    LayerException e = assertThrows(LayerException.class,
        () -> limited.walk(DIGEST, OCI_TAR, new ByteArrayInputStream(tar), TarLayer.sha256(tar), List.of()));
    assertEquals(LayerException.Reason.LIMIT_EXCEEDED, e.reason());
    assertEquals("more than 10 entries (maxEntriesPerLayer)", e.detail());
    assertGoodWalkStillWorks();
  }

  @Test
  void decompressionBombIsStoppedByTheRatioLimitBeforeItIsReadToTheEnd() throws Exception {
    // 300 MiB of zeros in one file, as 300 gzip members of 1 MiB each (~1 KiB compressed).
    long fileSize = 300L * 1024 * 1024;
    byte[] header = tarHeader("zeros", fileSize);
    byte[] megabyteOfZeros = new byte[1024 * 1024];
    byte[] firstMember = TarLayer.gzip(concat(header, megabyteOfZeros));
    byte[] zeroMember = TarLayer.gzip(megabyteOfZeros);
    List<byte[]> members = new ArrayList<>();
    members.add(firstMember);
    for (int i = 1; i < 300; i++) {
      members.add(zeroMember);
    }
    members.add(TarLayer.gzip(new byte[1024]));
    byte[] bomb = concat(members.toArray(new byte[0][]));
    assertTrue(bomb.length < 1024 * 1024, "the bomb is small: " + bomb.length);

    CountingStream source = new CountingStream(new ByteArrayInputStream(bomb));
    LayerException e = assertThrows(LayerException.class,
        () -> walker.walk(DIGEST, OCI_GZIP, source, "sha256:" + "11".repeat(32), List.of()));

    assertEquals(LayerException.Reason.LIMIT_EXCEEDED, e.reason());
    assertTrue(e.detail().startsWith("compression ratio exceeds 200:1 (maxCompressionRatio)"), e.detail());
    assertTrue(source.count < bomb.length / 2, "read " + source.count + " of " + bomb.length);
    assertGoodWalkStillWorks();
  }

  @Test
  void layerSizeLimitStopsAnUncompressedLayer() throws Exception {
    byte[] tar = TarLayer.pax().file("big", new byte[100_000], 0644, 0, 0).tar();
    LayerWalker limited = new LayerWalker(WalkLimits.DEFAULTS.withMaxLayerBytes(50_000));
    LayerException e = assertThrows(LayerException.class,
        () -> limited.walk(DIGEST, OCI_TAR, new ByteArrayInputStream(tar), TarLayer.sha256(tar), List.of()));
    assertEquals(LayerException.Reason.LIMIT_EXCEEDED, e.reason());
    assertEquals("uncompressed size exceeds 50000 bytes (maxLayerBytes)", e.detail());
  }

  @Test
  void capturedBytesLimitStopsTheWalk() throws Exception {
    byte[] tar = TarLayer.pax().file("a/1", "0123456789").file("a/2", "0123456789").tar();
    LayerWalker limited = new LayerWalker(WalkLimits.DEFAULTS.withMaxCapturedBytes(15));
    ContentSelector all = new ContentSelector("all", 1, p -> true, 1000);
    LayerException e = assertThrows(LayerException.class,
        () -> limited.walk(DIGEST, OCI_TAR, new ByteArrayInputStream(tar), TarLayer.sha256(tar), List.of(all)));
    assertEquals(LayerException.Reason.LIMIT_EXCEEDED, e.reason());
    assertEquals("captured file contents exceed 15 bytes (maxCapturedBytes) at a/2", e.detail());
  }

  @Test
  void pathLengthAndExtensionRecordLimitsStopTheWalk() throws Exception {
    String longName = "p/" + "n".repeat(300);
    byte[] tar = TarLayer.gnu().file(longName, "x").tar();
    LayerWalker shortPaths = new LayerWalker(WalkLimits.DEFAULTS.withMaxPathLength(200));
    LayerException path = assertThrows(LayerException.class,
        () -> shortPaths.walk(DIGEST, OCI_TAR, new ByteArrayInputStream(tar), TarLayer.sha256(tar), List.of()));
    assertEquals(LayerException.Reason.LIMIT_EXCEEDED, path.reason());
    assertTrue(path.detail().startsWith("path of 302 characters exceeds 200 (maxPathLength)"), path.detail());

    LayerWalker smallRecords = new LayerWalker(WalkLimits.DEFAULTS.withMaxHeaderRecordBytes(256));
    LayerException record = assertThrows(LayerException.class,
        () -> smallRecords.walk(DIGEST, OCI_TAR, new ByteArrayInputStream(tar), TarLayer.sha256(tar), List.of()));
    assertEquals(LayerException.Reason.LIMIT_EXCEEDED, record.reason());
    assertEquals("tar extension record of 303 bytes at offset 0 exceeds 256 bytes (maxHeaderRecordBytes)",
        record.detail());
    assertGoodWalkStillWorks();
  }

  @Test
  void failingBlobSourceIsReportedAsReadFailure() throws Exception {
    byte[] tar = sampleTar();
    byte[] blob = TarLayer.gzip(tar);
    InputStream failing = new FilterInputStream(new ByteArrayInputStream(blob, 0, 20)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
          throw new IOException("connection reset");
        }
        return n;
      }
    };
    LayerException e = assertThrows(LayerException.class,
        () -> walker.walk(DIGEST, OCI_GZIP, failing, TarLayer.sha256(tar), List.of()));
    assertEquals(LayerException.Reason.READ_FAILED, e.reason());
    assertEquals("reading the blob failed after 20 bytes: connection reset", e.detail());
    assertGoodWalkStillWorks();
  }

  @Test
  void garbageAfterTheGzipStreamIsRefused() throws Exception {
    byte[] tar = sampleTar();
    byte[] blob = concat(TarLayer.gzip(tar), "trailing junk".getBytes(StandardCharsets.UTF_8));
    LayerException e = assertThrows(LayerException.class, () -> walk(blob, OCI_GZIP, tar, List.of()));
    assertEquals(LayerException.Reason.CORRUPT, e.reason());
  }

  @Test
  void theWalkerDoesNotCloseTheBlob() throws Exception {
    byte[] tar = sampleTar();
    boolean[] closed = {false};
    InputStream blob = new FilterInputStream(new ByteArrayInputStream(TarLayer.zstd(tar))) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    walker.walk(DIGEST, OCI_ZSTD, blob, TarLayer.sha256(tar), List.of());
    assertFalse(closed[0]);
  }

  private static byte[] tarHeader(String name, long size) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
    entry.setSize(size);
    tar.putArchiveEntry(entry);
    tar.flush();
    // The header is written on putArchiveEntry; the content would follow.
    return Arrays.copyOf(out.toByteArray(), 512);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  /** Counts the bytes the walker pulled from the source. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
