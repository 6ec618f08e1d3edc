package dev.vigil.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The streaming hook of the layer walk: readers see the files they want once, as they stream. */
class EntryReaderWalkTest {

  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  private final LayerWalker walker = new LayerWalker();

  /** What the test reader keeps of a file: its length and sha256, and the class of stream it got. */
  record Summary(long bytes, String sha256, String streamClass) implements EntryReader.Result {
    @Override
    public long retainedBytes() {
      return 200;
    }
  }

  /** Reads every byte of the files it wants, in small reads, as a parser of a large file would. */
  static class HashingReader implements EntryReader {
    final String name;
    final int version;
    final Predicate<String> wanted;
    final AtomicInteger reads = new AtomicInteger();

    HashingReader(String name, int version, Predicate<String> wanted) {
      this.name = name;
      this.version = version;
      this.wanted = wanted;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int version() {
      return version;
    }

    @Override
    public boolean wants(String path, int mode, long size) {
      return wanted.test(path);
    }

    @Override
    public Result read(String path, InputStream content, long size) throws IOException {
      reads.incrementAndGet();
      MessageDigest sha;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = content.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
        total += n;
      }
      content.close();
      return new Summary(total, HexFormat.of().formatHex(sha.digest()), content.getClass().getSimpleName());
    }
  }

  private static String sha256(byte[] data) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private LayerFacts walk(byte[] tar, List<ContentSelector> selectors, List<EntryReader> readers)
      throws LayerException {
    byte[] blob = TarLayer.gzip(tar);
    return walker.walk(TarLayer.sha256(blob), OCI_GZIP, new ByteArrayInputStream(blob),
        TarLayer.sha256(tar), selectors, readers);
  }

  private static Summary summary(LayerFacts facts, String reader, String path) {
    return facts.readings().stream()
        .filter(r -> r.reader().equals(reader) && r.path().equals(path))
        .map(r -> (Summary) r.result())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no reading of " + path + " by " + reader + ": " + facts.readings()));
  }

  @Test
  void aWantedFileIsReadOnceWhileTheLayerStreamsAndTheReadingNamesPathAndLayer() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(big);
    byte[] tar = TarLayer.pax()
        .dir("app", 0755)
        .file("app/a.pkg", big, 0644, 0, 0)
        .file("app/readme.txt", "not wanted")
        .file("app/b.pkg", "small")
        .tar();
    HashingReader reader = new HashingReader("hash", 1, p -> p.endsWith(".pkg"));
    LayerFacts facts = walk(tar, List.of(), List.of(reader));

    assertEquals(2, reader.reads.get(), "each wanted file once, nothing else");
    Summary a = summary(facts, "hash", "app/a.pkg");
    assertEquals(big.length, a.bytes());
    assertEquals(sha256(big), a.sha256());
    assertTrue(!a.streamClass().contains("ByteArray"),
        "a file no selector captures streams straight from the tar, never buffered: " + a.streamClass());
    assertEquals(5, summary(facts, "hash", "app/b.pkg").bytes());
    EntryReading reading = facts.readings().get(0);
    assertEquals(facts.layerDigest(), reading.layerDigest());
    assertEquals(-1, reading.layerIndex(), "the position is the image's to stamp");
    assertNull(reading.failure());
    assertEquals(List.of("app", "app/a.pkg", "app/readme.txt", "app/b.pkg"),
        facts.entries().stream().map(FileEntry::path).toList(), "the walk itself is unchanged");
    assertTrue(facts.captured().isEmpty());
  }

  @Test
  void aFileBothCapturedAndWantedIsReadOnceTheReaderGetsAllOfItTheSelectorItsCap() throws Exception {
    byte[] content = "0123456789abcdef".repeat(1000).getBytes(StandardCharsets.UTF_8);
    byte[] tar = TarLayer.pax().file("etc/data.pkg", content, 0644, 0, 0).file("etc/small.pkg", "tiny").tar();
    ContentSelector capture = new ContentSelector("cap", 1, p -> p.startsWith("etc/"), 100);
    HashingReader reader = new HashingReader("hash", 1, p -> p.endsWith(".pkg"));
    LayerFacts facts = walk(tar, List.of(capture), List.of(reader));

    CapturedFile captured = facts.captured().get(0);
    assertEquals("etc/data.pkg", captured.path());
    assertTrue(captured.truncated());
    assertArrayEquals(Arrays.copyOf(content, 100), captured.content());
    Summary read = summary(facts, "hash", "etc/data.pkg");
    assertEquals(content.length, read.bytes(), "the captured prefix is replayed, then the rest streams on");
    assertEquals(sha256(content), read.sha256());
    assertEquals(sha256("tiny".getBytes(StandardCharsets.UTF_8)), summary(facts, "hash", "etc/small.pkg").sha256(),
        "a wholly captured file is handed over from the capture");
  }

  @Test
  void aReaderThatThrowsCostsOnlyThatFileTheLayerAndTheOtherFilesGoOn() throws Exception {
    byte[] tar = TarLayer.pax()
        .file("a/bad.pkg", "boom")
        .file("a/good.pkg", "fine")
        .file("a/io.pkg", "io")
        .tar();
    EntryReader throwing = new HashingReader("hash", 1, p -> p.endsWith(".pkg")) {
      @Override
      public Result read(String path, InputStream content, long size) throws IOException {
        if (path.equals("a/bad.pkg")) {
          content.read();
          throw new IllegalStateException("parser bug");
        }
        if (path.equals("a/io.pkg")) {
          throw new java.util.zip.ZipException("not a zip");
        }
        return super.read(path, content, size);
      }
    };
    LayerFacts facts = walk(tar, List.of(), List.of(throwing));

    assertEquals(List.of("a/bad.pkg", "a/good.pkg", "a/io.pkg"), facts.readings().stream().map(EntryReading::path).toList());
    assertEquals("java.lang.IllegalStateException: parser bug", facts.readings().get(0).failure());
    assertNull(facts.readings().get(0).result());
    assertEquals(4, summary(facts, "hash", "a/good.pkg").bytes());
    assertEquals("java.util.zip.ZipException: not a zip", facts.readings().get(2).failure());
  }

  @Test
  void aTruncatedLayerFailsEvenWhenTheReaderSwallowsTheStreamsError() throws Exception {
    byte[] content = new byte[200_000];
    new java.util.Random(3).nextBytes(content);
    byte[] tar = TarLayer.pax().file("a/x.pkg", content, 0644, 0, 0).tar();
    byte[] cut = Arrays.copyOf(tar, 100_000);
    AtomicInteger swallowed = new AtomicInteger();
    EntryReader swallowing = new HashingReader("hash", 1, p -> true) {
      @Override
      public Result read(String path, InputStream content, long size) {
        try {
          content.readAllBytes();
        } catch (IOException e) {
          swallowed.incrementAndGet();
        }
        return new Summary(0, "malformed", "");
      }
    };
    LayerException e = assertThrows(LayerException.class, () -> walker.walk(TarLayer.sha256(cut),
        "application/vnd.oci.image.layer.v1.tar", new ByteArrayInputStream(cut), TarLayer.sha256(tar),
        List.of(), List.of(swallowing)));
    assertEquals(1, swallowed.get(), "the reader did see the failure and hid it");
    assertEquals(LayerException.Reason.TRUNCATED, e.reason(), e.getMessage());
  }

  @Test
  void twoReadersWantingOneFileBothGetAllOfItOrOnlyTheFirstReadsALargeOneWithoutAFailure() throws Exception {
    byte[] small = "shared content".getBytes(StandardCharsets.UTF_8);
    byte[] huge = new byte[(int) LayerWalker.MULTI_READER_BUFFER_BYTES + 1];
    byte[] tar = TarLayer.pax()
        .file("bin/tool", small, 0755, 0, 0)
        .file("bin/huge", huge, 0755, 0, 0)
        .tar();
    HashingReader first = new HashingReader("first", 1, p -> p.startsWith("bin/"));
    HashingReader second = new HashingReader("second", 1, p -> p.startsWith("bin/"));
    LayerFacts facts = walk(tar, List.of(), List.of(first, second));

    assertEquals(sha256(small), summary(facts, "first", "bin/tool").sha256());
    assertEquals(sha256(small), summary(facts, "second", "bin/tool").sha256());
    assertEquals(huge.length, summary(facts, "first", "bin/huge").bytes());
    // Skipping is a limit of reading once, not a failure: a failure becomes an inventory problem,
    // which would mark every image with a large executable as partly unreadable.
    assertTrue(facts.readings().stream()
        .noneMatch(r -> r.reader().equals("second") && r.path().equals("bin/huge")));
  }

  @Test
  void aPathWrittenTwiceInOneLayerKeepsTheReadingsOfItsLastVersion() throws Exception {
    byte[] tar = TarLayer.pax()
        .file("x.pkg", "first version")
        .file("x.pkg", "second")
        .symlink("y.pkg", "x.pkg")
        .file("z.pkg", "z")
        .symlink("z.pkg", "x.pkg")
        .tar();
    LayerFacts facts = walk(tar, List.of(), List.of(new HashingReader("hash", 1, p -> true)));
    assertEquals(List.of("x.pkg"), facts.readings().stream().map(EntryReading::path).toList(),
        "links are not read; z.pkg became a link");
    assertEquals(6, summary(facts, "hash", "x.pkg").bytes());
  }

  @Test
  void theLayerCacheKeysOnEachReadersNameAndVersion() throws Exception {
    byte[] tar = TarLayer.pax().file("a.pkg", "a").tar();
    byte[] blob = TarLayer.gzip(tar);
    String digest = TarLayer.sha256(blob);
    LayerFactsCache cache = new LayerFactsCache(walker, 1L << 20);
    HashingReader v1 = new HashingReader("hash", 1, p -> true);
    HashingReader v1again = new HashingReader("hash", 1, p -> true);
    HashingReader v2 = new HashingReader("hash", 2, p -> true);
    List<ContentSelector> none = List.of();
    LayerFactsCache.BlobOpener opener = () -> new ByteArrayInputStream(blob);

    LayerFacts plain = cache.get(digest, OCI_GZIP, TarLayer.sha256(tar), none, opener);
    assertTrue(plain.readings().isEmpty());
    LayerFacts first = cache.get(digest, OCI_GZIP, TarLayer.sha256(tar), none, List.of(v1), opener);
    assertEquals(1, first.readings().size(), "facts walked without the reader are not reused");
    assertEquals(first, cache.get(digest, OCI_GZIP, TarLayer.sha256(tar), none, List.of(v1again), opener));
    assertEquals(1, v1.reads.get() + v1again.reads.get(), "same name and version: served from the cache");
    assertTrue(cache.contains(digest, none, List.of(v1again)));
    cache.get(digest, OCI_GZIP, TarLayer.sha256(tar), none, List.of(v2), opener);
    assertEquals(1, v2.reads.get(), "a new reader version walks again");
    assertEquals(3, cache.misses());
    assertEquals(1, cache.hits());
    assertTrue(first.retainedBytes() > plain.retainedBytes(), "readings count towards the cache's bound");
  }

  @Test
  void theFinalViewKeepsReadingsOfFilesStillThereWithTheLayerThatWroteThem() throws Exception {
    HashingReader reader = new HashingReader("hash", 1, p -> p.endsWith(".pkg"));
    List<EntryReader> readers = List.of(reader);
    LayerFacts base = walk(TarLayer.pax()
        .file("app/kept.pkg", "kept")
        .file("app/deleted.pkg", "deleted")
        .file("app/replaced.pkg", "old")
        .file("app/linked.pkg", "becomes a link")
        .file("opt/hidden/a.pkg", "hidden by an opaque directory")
        .file("gone/b.pkg", "its directory is deleted")
        .tar(), List.of(), readers);
    LayerFacts middle = walk(TarLayer.pax()
        .whiteout("app/deleted.pkg")
        .opaque("opt/hidden")
        .whiteout("gone")
        .file("app/replaced.pkg", "new!")
        .file("opt/hidden/c.pkg", "written in the opaque layer")
        .tar(), List.of(), readers);
    LayerFacts top = walk(TarLayer.pax().symlink("app/linked.pkg", "kept.pkg").tar(), List.of(), readers);
    ImageFacts image = ImageFacts.assemble(List.of(base, middle, top));

    List<String> found = new ArrayList<>();
    for (EntryReading r : image.readings()) {
      found.add(r.path() + " @" + r.layerIndex() + " " + (r.layerDigest().equals(base.layerDigest()) ? "base"
          : r.layerDigest().equals(middle.layerDigest()) ? "middle" : "top") + " " + ((Summary) r.result()).bytes());
    }
    assertEquals(List.of(
        "app/kept.pkg @0 base 4",
        "app/replaced.pkg @1 middle 4",
        "opt/hidden/c.pkg @1 middle 27"), found);
  }

  @Test
  void aReaderWhoseWantsThrowsIsRecordedOncePerLayerAndTheWalkGoesOn() throws Exception {
    byte[] tar = TarLayer.pax().file("a", "1").file("b", "2").file("c", "3").tar();
    EntryReader broken = new HashingReader("broken", 1, p -> true) {
      @Override
      public boolean wants(String path, int mode, long size) {
        throw new NullPointerException("no pattern");
      }
    };
    HashingReader fine = new HashingReader("fine", 1, p -> true);
    LayerFacts facts = walk(tar, List.of(), List.of(broken, fine));
    List<EntryReading> failures = facts.readings().stream().filter(r -> r.failure() != null).toList();
    assertEquals(1, failures.size(), facts.readings().toString());
    assertTrue(failures.get(0).failure().contains("no pattern"));
    assertEquals(3, fine.reads.get());
  }
}
