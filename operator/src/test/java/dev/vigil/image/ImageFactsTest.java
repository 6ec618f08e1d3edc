package dev.vigil.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.image.FileEntry.Type;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageFactsTest {

  private static final String LONG_DOC_DIR = "usr/share/doc/" + "libverylongpackagename".repeat(5);
  private static final String LONG_OPT_DIR = "opt/" + "x".repeat(110);

  private final LayerWalker walker = new LayerWalker();

  /** A walked layer: the blob's digest is the real sha256 of the bytes handed to the walker. */
  private LayerFacts walk(byte[] tar, byte[] blob, String mediaType, List<ContentSelector> selectors)
      throws LayerException {
    return walker.walk(TarLayer.sha256(blob), mediaType, new ByteArrayInputStream(blob),
        TarLayer.sha256(tar), selectors);
  }

  private LayerFacts gzipLayer(byte[] tar, List<ContentSelector> selectors) throws LayerException {
    return walk(tar, TarLayer.gzipTwoMembers(tar, tar.length / 3), "application/vnd.oci.image.layer.v1.tar+gzip", selectors);
  }

  private LayerFacts zstdLayer(byte[] tar, List<ContentSelector> selectors) throws LayerException {
    return walk(tar, TarLayer.zstd(tar), "application/vnd.oci.image.layer.v1.tar+zstd", selectors);
  }

  private LayerFacts plainLayer(byte[] tar, List<ContentSelector> selectors) throws LayerException {
    return walk(tar, tar, "application/vnd.oci.image.layer.v1.tar", selectors);
  }

  private List<LayerFacts> threeLayers() throws LayerException {
    byte[] base = TarLayer.pax()
        .symlink("bin", "usr/bin")
        .dir("usr", 0755)
        .dir("usr/bin", 0755)
        .file("usr/bin/dash", "dash binary", 0755)
        .symlink("usr/bin/sh", "dash")
        .file("usr/bin/su", "su binary", 04755)
        .file("usr/bin/passwd", "passwd binary", 04755)
        .hardlink("usr/bin/dash-hard", "usr/bin/dash")
        .dir("etc", 0755)
        .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        .dir("etc/app", 0755)
        .file("etc/app/a.conf", "a")
        .file("etc/app/b.conf", "b")
        .dir("opt/data", 0755)
        .file("opt/data/old1", "1")
        .dir("opt/data/sub", 0755)
        .file("opt/data/sub/old2", "2")
        .dir("var/log", 0755)
        .file("var/log/messages", "boot")
        .dir("home/user", 0750, 1000, 1000)
        .file("home/user/notes", "n".getBytes(StandardCharsets.UTF_8), 0600, 1000, 1000)
        .tar();
    byte[] middle = TarLayer.pax()
        .whiteout("etc/app")
        .dir("etc/app", 0700)
        .file("etc/app/c.conf", "c")
        .dir("opt/data", 0755)
        .opaque("opt/data")
        .file("opt/data/new", "new")
        .file("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/false\n")
        .whiteout("var/log")
        .file(LONG_DOC_DIR + "/copyright", "GPL")
        .tar();
    byte[] top = TarLayer.gnu()
        .file(LONG_OPT_DIR + "/tool", "tool", 0755)
        .whiteout("usr/bin/passwd")
        .file("usr/bin/wall", "wall".getBytes(StandardCharsets.UTF_8), 02755, 0, 5)
        .whiteout("home/user/notes")
        .symlink("etc/alternatives/editor", "/usr/bin/dash")
        .dir("var/log", 0755)
        .file("var/log/new.log", "fresh")
        .tar();
    return List.of(gzipLayer(base, List.of()), zstdLayer(middle, List.of()), plainLayer(top, List.of()));
  }

  @Test
  void finalViewAppliesWhiteoutsOpaqueDirectoriesAndReplacementsInLayerOrder() throws Exception {
    List<LayerFacts> layers = threeLayers();
    String l0 = layers.get(0).layerDigest();
    String l1 = layers.get(1).layerDigest();
    String l2 = layers.get(2).layerDigest();

    ImageFacts image = ImageFacts.assemble(layers);

    assertEquals(List.of(l0, l1, l2), image.layerDigests());
    assertEquals(
        List.of(
            new FileEntry("bin", Type.SYMLINK, 0777, 0, 0, 0, "usr/bin", l0, 0),
            new FileEntry("etc", Type.DIRECTORY, 0755, 0, 0, 0, null, l0, 0),
            new FileEntry("etc/alternatives/editor", Type.SYMLINK, 0777, 0, 0, 0, "/usr/bin/dash", l2, 2),
            new FileEntry("etc/app", Type.DIRECTORY, 0700, 0, 0, 0, null, l1, 1),
            new FileEntry("etc/app/c.conf", Type.FILE, 0644, 0, 0, 1, null, l1, 1),
            new FileEntry("etc/passwd", Type.FILE, 0644, 0, 0, 64, null, l1, 1),
            new FileEntry("home/user", Type.DIRECTORY, 0750, 1000, 1000, 0, null, l0, 0),
            new FileEntry("opt/data", Type.DIRECTORY, 0755, 0, 0, 0, null, l1, 1),
            new FileEntry("opt/data/new", Type.FILE, 0644, 0, 0, 3, null, l1, 1),
            new FileEntry(LONG_OPT_DIR + "/tool", Type.FILE, 0755, 0, 0, 4, null, l2, 2),
            new FileEntry("usr", Type.DIRECTORY, 0755, 0, 0, 0, null, l0, 0),
            new FileEntry("usr/bin", Type.DIRECTORY, 0755, 0, 0, 0, null, l0, 0),
            new FileEntry("usr/bin/dash", Type.FILE, 0755, 0, 0, 11, null, l0, 0),
            new FileEntry("usr/bin/dash-hard", Type.HARDLINK, 0755, 0, 0, 0, "usr/bin/dash", l0, 0),
            new FileEntry("usr/bin/sh", Type.SYMLINK, 0777, 0, 0, 0, "dash", l0, 0),
            new FileEntry("usr/bin/su", Type.FILE, 04755, 0, 0, 9, null, l0, 0),
            new FileEntry("usr/bin/wall", Type.FILE, 02755, 0, 5, 4, null, l2, 2),
            new FileEntry(LONG_DOC_DIR + "/copyright", Type.FILE, 0644, 0, 0, 3, null, l1, 1),
            new FileEntry("var/log", Type.DIRECTORY, 0755, 0, 0, 0, null, l2, 2),
            new FileEntry("var/log/new.log", Type.FILE, 0644, 0, 0, 5, null, l2, 2)),
        new ArrayList<>(image.entries()));
  }

  @Test
  void lookupsAcceptAbsolutePathsAndListWhatIsBelowADirectory() throws Exception {
    ImageFacts image = ImageFacts.assemble(threeLayers());

    assertEquals(Optional.empty(), image.entry("/usr/bin/passwd"));
    assertEquals(Optional.empty(), image.entry("etc/app/a.conf"));
    assertEquals(Optional.empty(), image.entry("opt/data/sub/old2"));
    assertEquals(Optional.empty(), image.entry("var/log/messages"));
    assertTrue(image.entry("/usr/bin/su").orElseThrow().isSetuid());
    assertTrue(image.entry("usr/bin/wall").orElseThrow().isSetgid());
    assertEquals(
        List.of("usr/bin/dash", "usr/bin/dash-hard", "usr/bin/sh", "usr/bin/su", "usr/bin/wall"),
        image.entriesUnder("/usr/bin/").stream().map(FileEntry::path).toList());
    assertEquals(List.of("opt/data/new"),
        image.entriesUnder("opt/data").stream().map(FileEntry::path).toList());
    assertEquals(20, image.entriesUnder("").size());
  }

  @Test
  void resolveLinkFollowsLinksInEverySegmentInsideTheRoot() throws Exception {
    ImageFacts image = ImageFacts.assemble(threeLayers());

    FileEntry dash = image.entry("usr/bin/dash").orElseThrow();
    assertEquals(Optional.of(dash), image.resolveLink("/bin/sh"));
    assertEquals(Optional.of(dash), image.resolveLink("bin/sh"));
    assertEquals(Optional.of(dash), image.resolveLink("etc/alternatives/editor"));
    assertEquals(Optional.of(dash), image.resolveLink("usr/bin/../../../../../bin/./sh"));
    assertEquals(Optional.of(image.entry("usr/bin").orElseThrow()), image.resolveLink("bin"));
    assertEquals(Optional.of(image.entry("usr/bin/dash-hard").orElseThrow()), image.resolveLink("bin/dash-hard"));
    assertEquals(Optional.empty(), image.resolveLink("bin/passwd"));
    assertEquals(Optional.empty(), image.resolveLink("usr/bin/dash/sh"));
  }

  @Test
  void resolveLinkGivesUpOnLoopsAndLongChains() throws Exception {
    TarLayer layer = TarLayer.pax()
        .symlink("loop/a", "b")
        .symlink("loop/b", "../loop/a")
        .symlink("self", "self")
        .symlink("dangling", "/nowhere/at/all")
        .file("chain/target", "t");
    for (int i = 1; i <= 41; i++) {
      layer.symlink("chain/l" + i, i == 1 ? "target" : "l" + (i - 1));
    }
    byte[] tar = layer.tar();
    ImageFacts image = ImageFacts.assemble(List.of(plainLayer(tar, List.of())));

    assertEquals(Optional.empty(), image.resolveLink("loop/a"));
    assertEquals(Optional.empty(), image.resolveLink("self"));
    assertEquals(Optional.empty(), image.resolveLink("dangling"));
    FileEntry target = image.entry("chain/target").orElseThrow();
    assertEquals(Optional.of(target), image.resolveLink("chain/l40"));
    assertEquals(Optional.empty(), image.resolveLink("chain/l41"));
  }

  @Test
  void privateKeyDeletedInALaterLayerIsGoneFromTheViewButKeptInHistory() throws Exception {
    ContentSelector secrets =
        new ContentSelector("secrets", 1, p -> p.contains(".ssh/") || p.equals("etc/os-release"), 4096);
    String key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    byte[] first = TarLayer.pax()
        .dir("root/.ssh", 0700)
        .file("root/.ssh/id_rsa", key.getBytes(StandardCharsets.UTF_8), 0600, 0, 0)
        .file("etc/os-release", "ID=debian\nVERSION_ID=\"11\"\n")
        .tar();
    byte[] second = TarLayer.pax()
        .whiteout("root/.ssh/id_rsa")
        .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
        .tar();
    LayerFacts l0 = gzipLayer(first, List.of(secrets));
    LayerFacts l1 = zstdLayer(second, List.of(secrets));

    ImageFacts image = ImageFacts.assemble(List.of(l0, l1));

    assertEquals(Optional.empty(), image.entry("root/.ssh/id_rsa"));
    assertEquals(Optional.empty(), image.content("root/.ssh/id_rsa"));
    assertEquals(List.of(), image.contentsUnder("root"));
    List<CapturedFile> keyHistory = image.history("/root/.ssh/id_rsa");
    assertEquals(1, keyHistory.size());
    assertEquals(l0.layerDigest(), keyHistory.get(0).layerDigest());
    assertEquals(0, keyHistory.get(0).layerIndex());
    assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), keyHistory.get(0).content());

    assertEquals(
        List.of("root/.ssh/id_rsa@0", "etc/os-release@0", "etc/os-release@1"),
        image.allCaptured().stream().map(f -> f.path() + "@" + f.layerIndex()).toList());

    CapturedFile osRelease = image.content("etc/os-release").orElseThrow();
    assertEquals("ID=debian\nVERSION_ID=\"12\"\n", new String(osRelease.content(), StandardCharsets.UTF_8));
    assertEquals(l1.layerDigest(), osRelease.layerDigest());
    assertEquals(List.of(0, 1), image.history("etc/os-release").stream().map(CapturedFile::layerIndex).toList());
    assertEquals(List.of(osRelease), image.contentsUnder("/etc"));
  }

  @Test
  void capturedFileRewrittenAsALinkHasNoFinalContent() throws Exception {
    ContentSelector status = new ContentSelector("dpkg", 1, p -> p.startsWith("var/lib/dpkg/"), 4096);
    byte[] first = TarLayer.pax().file("var/lib/dpkg/status", "Package: bash\n").tar();
    byte[] second = TarLayer.pax().symlink("var/lib/dpkg/status", "/dev/null").tar();
    ImageFacts image = ImageFacts.assemble(
        List.of(plainLayer(first, List.of(status)), plainLayer(second, List.of(status))));

    assertEquals(Optional.empty(), image.content("var/lib/dpkg/status"));
    assertEquals(1, image.history("var/lib/dpkg/status").size());
    assertEquals(Type.SYMLINK, image.entry("var/lib/dpkg/status").orElseThrow().type());
  }

  @Test
  void aFileReplacingADirectoryHidesTheDirectorysContents() throws Exception {
    byte[] first = TarLayer.pax().dir("srv/site", 0755).file("srv/site/index.html", "hi").tar();
    byte[] second = TarLayer.pax().symlink("srv/site", "/var/www").tar();
    ImageFacts image = ImageFacts.assemble(List.of(plainLayer(first, List.of()), plainLayer(second, List.of())));

    assertEquals(List.of("srv/site"), image.entries().stream().map(FileEntry::path).toList());
  }

  @Test
  void opaqueRootHidesEveryLowerLayer() throws Exception {
    byte[] first = TarLayer.pax().file("a", "1").file("d/b", "2").tar();
    byte[] second = TarLayer.pax().opaque(".").file("c", "3").tar();
    ImageFacts image = ImageFacts.assemble(List.of(plainLayer(first, List.of()), plainLayer(second, List.of())));

    assertEquals(List.of("c"), image.entries().stream().map(FileEntry::path).toList());
  }

  @Test
  void theSameLayerTwiceInOneImageIsStampedWithEachPosition() throws Exception {
    byte[] tar = TarLayer.pax().file("x", "1").tar();
    LayerFacts layer = plainLayer(tar, List.of());
    byte[] other = TarLayer.pax().file("y", "2").tar();
    ImageFacts image = ImageFacts.assemble(List.of(layer, plainLayer(other, List.of()), layer));

    assertEquals(2, image.entry("x").orElseThrow().layerIndex());
    assertEquals(1, image.entry("y").orElseThrow().layerIndex());
    assertEquals(-1, layer.entries().get(0).layerIndex());
  }

  @Test
  void imageSizeLimitNamesTheLayerThatCrossesIt() throws Exception {
    List<LayerFacts> layers = threeLayers();
    long firstTwo = layers.get(0).uncompressedBytes() + layers.get(1).uncompressedBytes();
    WalkLimits limits = WalkLimits.DEFAULTS.withMaxImageBytes(firstTwo);

    LayerException e = assertThrows(LayerException.class, () -> ImageFacts.assemble(layers, limits));

    assertEquals(LayerException.Reason.LIMIT_EXCEEDED, e.reason());
    assertEquals(layers.get(2).layerDigest(), e.layerDigest());
    long all = firstTwo + layers.get(2).uncompressedBytes();
    assertEquals("the image's layers up to this one (index 2) hold " + all
        + " uncompressed bytes, more than " + firstTwo + " (maxImageBytes)", e.detail());
    assertEquals(all, ImageFacts.assemble(layers).uncompressedBytes());
  }
}
