package dev.vigil.image;

import org.apache.commons.io.output.CountingOutputStream;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs and reports, not assertions on time: run with
 * {@code mvn test -Pbenchmark -Dtest=LayerWalkBenchmark}.
 */
@Tag("benchmark")
class LayerWalkBenchmark {

  private static final long MIB = 1024 * 1024;
  private static final List<ContentSelector> SELECTORS =
      List.of(new ContentSelector("os", 1, p -> p.equals("etc/os-release"), 64 * 1024));

  @TempDir Path temp;

  @Test
  void walkingAGzipLayerComparedWithGzipPipedToTar() throws Exception {
    Path layer = temp.resolve("layer.tar.gz");
    long[] counts = writeRealisticGzipLayer(layer, 60 * MIB);
    String diffId = diffIdOfGzip(layer);
    System.out.printf("benchmark layer: %d files, %.1f MiB uncompressed, %.1f MiB gzip%n",
        counts[0], counts[1] / (double) MIB, Files.size(layer) / (double) MIB);

    LayerWalker walker = new LayerWalker();
    walkOnce(walker, layer, diffId); // warm-up: JIT, zlib
    for (int run = 1; run <= 3; run++) {
      long start = System.nanoTime();
      LayerFacts facts = walkOnce(walker, layer, diffId);
      long walkMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(counts[0], facts.entries().size());

      start = System.nanoTime();
      Process tar = new ProcessBuilder("bash", "-c", "gzip -dc '" + layer + "' | tar -tf - > /dev/null")
          .redirectErrorStream(true)
          .start();
      String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, tar.waitFor(), output);
      long tarMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.printf("run %d: LayerWalker.walk %d ms (%.0f MiB/s uncompressed); gzip -dc | tar -t %d ms%n",
          run, walkMillis, counts[1] / (double) MIB / (walkMillis / 1000.0), tarMillis);
    }
  }

  @Test
  void heapWhileWalkingAGigabyteLayer() throws Exception {
    long files = 1024;
    long fileSize = MIB;
    String diffId = "sha256:" + HexFormat.of().formatHex(hashOfZeroFilesTar(files, fileSize));

    System.gc();
    long baseline = heapUsed();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    AtomicLong sampledPeak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        sampledPeak.accumulateAndGet(heapUsed(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    long start = System.nanoTime();
    LayerFacts facts;
    try (InputStream tar = zeroFilesTar(files, fileSize)) {
      facts = new LayerWalker().walk("sha256:" + "0".repeat(64),
          "application/vnd.oci.image.layer.v1.tar", tar, diffId, SELECTORS);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    sampler.interrupt();
    sampler.join();
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        poolPeaks += pool.getPeakUsage().getUsed();
      }
    }
    System.gc();
    long retained = heapUsed() - baseline;
    assertEquals(files, facts.entries().size());
    System.out.printf(
        "1 GiB layer (%d files of %d KiB, %.0f MiB tar) walked in %d ms;"
            + " heap before %.1f MiB, sampled peak %.1f MiB (garbage included),"
            + " sum of heap pool peaks %.1f MiB, retained after GC %.2f MiB, facts.retainedBytes %d%n",
        files, fileSize / 1024, facts.uncompressedBytes() / (double) MIB, millis,
        baseline / (double) MIB, sampledPeak.get() / (double) MIB, poolPeaks / (double) MIB,
        retained / (double) MIB, facts.retainedBytes());

    // The real proof that memory does not grow with the layer: the same walk in a JVM
    // whose whole heap is far smaller than the layer.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
        SmallHeapWalk.class.getName(), Long.toString(files), Long.toString(fileSize), diffId)
        .redirectErrorStream(true)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.print("child JVM with -Xmx32m: " + output);
    assertEquals(0, child.waitFor(), output);
  }

  /** Walks the 1 GiB layer in its own small-heap JVM. */
  static final class SmallHeapWalk {
    public static void main(String[] args) throws Exception {
      long files = Long.parseLong(args[0]);
      long fileSize = Long.parseLong(args[1]);
      long start = System.nanoTime();
      try (InputStream tar = zeroFilesTar(files, fileSize)) {
        LayerFacts facts = new LayerWalker().walk("sha256:" + "0".repeat(64),
            "application/vnd.oci.image.layer.v1.tar", tar, args[2], SELECTORS);
        System.out.printf("walked %d entries, %d bytes in %d ms, max heap %d MiB%n",
            facts.entries().size(), facts.uncompressedBytes(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
            Runtime.getRuntime().maxMemory() / MIB);
      }
    }
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static LayerFacts walkOnce(LayerWalker walker, Path layer, String diffId) throws Exception {
    try (InputStream in = Files.newInputStream(layer)) {
      return walker.walk("sha256:" + "1".repeat(64), "application/vnd.oci.image.layer.v1.tar+gzip",
          in, diffId, SELECTORS);
    }
  }

  /**
   * Thousands of files of mixed sizes (most small, a few large) whose content is half
   * random bytes and half text, so gzip roughly halves it, until the gzip reaches the target.
   * Returns {files, uncompressed tar bytes}.
   */
  private static long[] writeRealisticGzipLayer(Path target, long compressedTarget) throws IOException {
    Random random = new Random(42);
    String[] words = "the quick brown fox jumps over lazy dog lib usr share config value true false".split(" ");
    CountingOutputStream compressed = new CountingOutputStream(
        new BufferedOutputStream(Files.newOutputStream(target), 1 << 16));
    CountingOutputStream uncompressed;
    long files = 0;
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
        uncompressed = new CountingOutputStream(new GZIPOutputStream(compressed, 1 << 16)))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      while (compressed.getByteCount() < compressedTarget) {
        int roll = random.nextInt(100);
        int size = roll < 85 ? 100 + random.nextInt(4 * 1024)
            : roll < 99 ? 4 * 1024 + random.nextInt(64 * 1024)
            : 256 * 1024 + random.nextInt(1024 * 1024);
        byte[] content = new byte[size];
        int half = size / 2;
        byte[] noise = new byte[half];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, content, 0, half);
        int position = half;
        while (position < size) {
          byte[] word = (words[random.nextInt(words.length)] + " ").getBytes(StandardCharsets.US_ASCII);
          int n = Math.min(word.length, size - position);
          System.arraycopy(word, 0, content, position, n);
          position += n;
        }
        TarArchiveEntry entry = new TarArchiveEntry(
            "usr/lib/pkg" + (files / 50) + "/sub" + (files % 7) + "/file-" + files + ".dat");
        entry.setSize(size);
        entry.setMode(files % 10 == 0 ? 0755 : 0644);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
        files++;
      }
      tar.finish();
    }
    return new long[] {files, uncompressed.getByteCount()};
  }

  private static String diffIdOfGzip(Path layer) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new java.util.zip.GZIPInputStream(
        new BufferedInputStream(Files.newInputStream(layer)), 1 << 16)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  private static byte[] hashOfZeroFilesTar(long files, long fileSize) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    writeZeroFilesTar(
        new BufferedOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), sha), 1 << 16),
        files, fileSize);
    return sha.digest();
  }

  /** Streams the tar of mostly-zero files through a pipe, never holding it whole. */
  static InputStream zeroFilesTar(long files, long fileSize) throws IOException {
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream out = new PipedOutputStream(in);
    Thread writer = new Thread(() -> {
      try {
        writeZeroFilesTar(out, files, fileSize);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "zero-tar-writer");
    writer.setDaemon(true);
    writer.start();
    return in;
  }

  /** Writes the tar and closes {@code target}, which flushes the tar's last block. */
  private static void writeZeroFilesTar(OutputStream target, long files, long fileSize) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(target)) {
      writeZeroFiles(tar, chunk, files, fileSize);
    }
  }

  private static void writeZeroFiles(TarArchiveOutputStream tar, byte[] chunk, long files, long fileSize)
      throws IOException {
    for (long i = 0; i < files; i++) {
      TarArchiveEntry entry = new TarArchiveEntry("var/lib/db/segment-" + i);
      entry.setSize(fileSize);
      entry.setModTime(0);
      tar.putArchiveEntry(entry);
      chunk[0] = (byte) i; // mostly zeros, not all
      for (long written = 0; written < fileSize; written += chunk.length) {
        tar.write(chunk, 0, (int) Math.min(chunk.length, fileSize - written));
      }
      chunk[0] = 0;
      tar.closeArchiveEntry();
    }
    tar.finish();
  }

}
