package dev.vigil.scan;

import org.apache.commons.io.output.CountingOutputStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.cli.ScanCommand;
import dev.vigil.image.LayerFactsCache;
import dev.vigil.image.LayerWalker;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.image.checks.ImageChecks;
import dev.vigil.inventory.InventoryAnalyzer;
import dev.vigil.registry.Digest;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.MediaTypes;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryClientConfig;
import dev.vigil.testsupport.Compression;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.RegistryPusher;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImages;
import dev.vigil.testsupport.TestLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Figures for docs/performance.md (issue 3), not assertions on time: whole-image scans through
 * the real RegistryClient against the local registry. Run with
 * {@code mvn -B -o test -Pbenchmark -Dtest=ScanBenchmarkTest}.
 */
@Tag("benchmark")
class ScanBenchmarkTest {

  private static final long MIB = 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK = Clock.systemUTC();

  static LocalRegistry registry;
  static ExecutorService layerReaders;

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.start();
    layerReaders = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopRegistry() {
    layerReaders.shutdownNow();
    registry.close();
  }

  @Test
  void scanOfASixtyMegabyteImageColdAndWarmComparedWithCurlGzipTar() throws Exception {
    GeneratedLayer big = realisticGzipLayer(60 * MIB, 42);
    RegistryPusher pusher = registry.pusher();
    String blobDigest = pusher.pushBlob("bench/big", big.blob());
    String manifestDigest = pushSingleLayerImage(pusher, "bench/big", "1", List.of(big.digest()),
        List.of(big.diffId()), List.of((long) big.blob().length), MediaTypes.OCI_LAYER_GZIP);
    ImageReference reference = registry.reference("bench/big:1");
    System.out.printf("60 MB image: one gzip layer, %d files, %.1f MiB uncompressed, %.1f MiB gzip%n",
        big.files(), big.tarBytes() / (double) MIB, big.blob().length / (double) MIB);

    RegistryClient client = registry.client();
    for (int run = 1; run <= 3; run++) {
      LayerFactsCache cache = newCache();
      long start = System.nanoTime();
      ImageAnalysis analysis = analyzer(cache).analyze(client, reference, Platform.LINUX_AMD64,
          CheckSettingsMerger.merge(List.of()), ScanProgress.NONE);
      long coldMillis = millisSince(start);
      assertEquals(1, cache.misses(), "the layer is walked once");
      assertEquals(3, analysis.inventory().packages().size(), "the dpkg status is inventoried");

      start = System.nanoTime();
      ImageAnalysis again = analyzer(cache).analyze(client, reference, Platform.LINUX_AMD64,
          CheckSettingsMerger.merge(List.of()), ScanProgress.NONE);
      long warmMillis = millisSince(start);
      assertEquals(1, again.layersFromCache(), "warm: the layer comes from the cache");

      start = System.nanoTime();
      String url = registry.baseUri() + "/v2/bench/big/blobs/" + blobDigest;
      Process pipe = new ProcessBuilder("bash", "-o", "pipefail", "-c",
          "curl -sfL '" + url + "' | gzip -dc | tar -tf - > /dev/null").redirectErrorStream(true).start();
      String output = new String(pipe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, pipe.waitFor(), output);
      long pipeMillis = millisSince(start);
      System.out.printf("run %d: cold scan (manifest, config, layer download+walk, checks, inventory) %d ms;"
          + " warm scan (layer cached) %d ms; curl | gzip -dc | tar -t %d ms%n",
          run, coldMillis, warmMillis, pipeMillis);
    }

    // The CLI path as a user runs it: `vigil scan --vulndb none --quiet -o json <image>`.
    for (int run = 1; run <= 2; run++) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new ScanCommand());
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      long start = System.nanoTime();
      int exit = cli.execute("--vulndb", "none", "--quiet", "-o", "json", reference.toString());
      long cliMillis = millisSince(start);
      assertTrue(exit == 0 || exit == ScanCommand.EXIT_FAILED_GATE, "exit " + exit + ": " + err);
      assertTrue(out.toString().contains(manifestDigest), out.toString());
      System.out.printf("vigil scan --vulndb none --quiet -o json (in-process ScanCommand, new cache) run %d: %d ms%n",
          run, cliMillis);
    }
  }

  @Test
  void tenImagesSharingABaseLayerReadTheBaseOnce() throws Exception {
    GeneratedLayer base = realisticGzipLayer(20 * MIB, 7);
    RegistryPusher pusher = registry.pusher();
    pusher.pushBlob("bench/set", base.blob());
    List<ImageReference> images = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      TestLayer top = TestImages.layer()
          .file("app/service-" + i + ".jar", ("service " + i).repeat(2000))
          .file("app/config.yaml", "replica: " + i + "\n")
          .build(Compression.GZIP);
      pusher.pushBlob("bench/set", top.blob());
      pushSingleLayerImage(pusher, "bench/set", "v" + i, List.of(base.digest(), top.digest()),
          List.of(base.diffId(), top.diffId()), List.of((long) base.blob().length, top.size()),
          MediaTypes.OCI_LAYER_GZIP);
      images.add(registry.reference("bench/set:v" + i));
    }
    System.out.printf("10-image set: shared gzip base layer of %d files, %.1f MiB gzip, plus one small layer each%n",
        base.files(), base.blob().length / (double) MIB);

    RegistryClient client = registry.client();
    LayerFactsCache cache = newCache();
    ImageAnalyzer analyzer = analyzer(cache);
    ImageCheckSettings settings = CheckSettingsMerger.merge(List.of());
    long start = System.nanoTime();
    List<Long> perImage = new ArrayList<>();
    for (ImageReference image : images) {
      long one = System.nanoTime();
      analyzer.analyze(client, image, Platform.LINUX_AMD64, settings, ScanProgress.NONE);
      perImage.add(millisSince(one));
    }
    long coldMillis = millisSince(start);
    assertEquals(11, cache.misses(), "one walk of the base and one of each image's own layer");
    assertEquals(9, cache.hits(), "images 2 to 10 take the base from the cache");
    System.out.printf("10 images, one cache: %d ms in all (per image %s ms); cache misses %d, hits %d%n",
        coldMillis, perImage, cache.misses(), cache.hits());

    start = System.nanoTime();
    for (ImageReference image : images) {
      analyzer.analyze(client, image, Platform.LINUX_AMD64, settings, ScanProgress.NONE);
    }
    long warmMillis = millisSince(start);
    assertEquals(11, cache.misses(), "nothing walked again");
    System.out.printf("the 10 images again: %d ms; cache misses %d, hits %d%n",
        warmMillis, cache.misses(), cache.hits());
  }

  @Test
  void heapWhileScanningAGigabyteImageThroughTheRegistry() throws Exception {
    long files = 1024;
    GeneratedLayer huge = mostlyZeroGzipLayer(files, MIB);
    RegistryPusher pusher = registry.pusher();
    pusher.pushBlob("bench/huge", huge.blob());
    pushSingleLayerImage(pusher, "bench/huge", "1", List.of(huge.digest()), List.of(huge.diffId()),
        List.of((long) huge.blob().length), MediaTypes.OCI_LAYER_GZIP);
    System.out.printf("1 GiB image: %d files, %.0f MiB uncompressed, %.1f MiB gzip (ratio %.0f:1)%n",
        huge.files(), huge.tarBytes() / (double) MIB, huge.blob().length / (double) MIB,
        huge.tarBytes() / (double) huge.blob().length);

    String javaBinary = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (String heap : List.of("-Xmx256m", "-Xmx64m")) {
      Process child = new ProcessBuilder(javaBinary, heap, "-cp", System.getProperty("java.class.path"),
          SmallHeapScan.class.getName(), registry.reference("bench/huge:1").toString())
          .redirectErrorStream(true)
          .start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = child.waitFor();
      System.out.print("child JVM " + heap + " (exit " + exit + "): " + output);
      assertEquals(0, exit, output);
    }
  }

  /** Scans one image through the registry in its own small-heap JVM and prints heap figures. */
  static final class SmallHeapScan {
    public static void main(String[] args) throws Exception {
      ExecutorService readers = Executors.newFixedThreadPool(2);
      try {
        RegistryClient client = new RegistryClient(RegistryClientConfig.builder().build());
        LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 64 * MIB);
        ImageAnalyzer analyzer = new ImageAnalyzer(cache, new InventoryAnalyzer(CLOCK), new ImageChecks(),
            readers, CLOCK);
        long start = System.nanoTime();
        ImageAnalysis analysis = analyzer.analyze(client, ImageReference.parse(args[0]), Platform.LINUX_AMD64,
            CheckSettingsMerger.merge(List.of()), ScanProgress.NONE);
        long millis = millisSince(start);
        long poolPeaks = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
          if (pool.getType() == MemoryType.HEAP) {
            poolPeaks += pool.getPeakUsage().getUsed();
          }
        }
        System.gc();
        long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("scanned %s (%d layer) in %d ms; max heap %d MiB, sum of heap pool peaks %.1f MiB,"
            + " heap after GC %.1f MiB%n", analysis.manifestDigest().substring(0, 19),
            analysis.layerDigests().size(), millis, Runtime.getRuntime().maxMemory() / MIB,
            poolPeaks / (double) MIB, after / (double) MIB);
      } finally {
        readers.shutdownNow();
      }
    }
  }

  private static LayerFactsCache newCache() {
    return new LayerFactsCache(new LayerWalker(), 512 * MIB);
  }

  private static ImageAnalyzer analyzer(LayerFactsCache cache) {
    return new ImageAnalyzer(cache, new InventoryAnalyzer(CLOCK), new ImageChecks(), layerReaders, CLOCK);
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Pushes an OCI config and manifest for layers already in the repository; returns the manifest digest. */
  private static String pushSingleLayerImage(RegistryPusher pusher, String repository, String tag,
      List<String> layerDigests, List<String> diffIds, List<Long> sizes, String layerMediaType)
      throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("created", Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString());
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.putObject("config").put("User", "1000");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(ids::add);
    ArrayNode history = config.putArray("history");
    for (int i = 0; i < layerDigests.size(); i++) {
      history.addObject().put("created_by", "COPY layer" + i + " /");
    }
    byte[] configBytes = JSON.writeValueAsBytes(config);
    String configDigest = pusher.pushBlob(repository, configBytes);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    ObjectNode configDescriptor = manifest.putObject("config");
    configDescriptor.put("mediaType", MediaTypes.OCI_CONFIG);
    configDescriptor.put("digest", configDigest);
    configDescriptor.put("size", configBytes.length);
    ArrayNode layers = manifest.putArray("layers");
    for (int i = 0; i < layerDigests.size(); i++) {
      ObjectNode layer = layers.addObject();
      layer.put("mediaType", layerMediaType);
      layer.put("digest", layerDigests.get(i));
      layer.put("size", sizes.get(i));
    }
    return pusher.pushManifest(repository, tag, JSON.writeValueAsBytes(manifest), MediaTypes.OCI_MANIFEST);
  }

  /** A gzip layer blob with its digests and sizes. */
  record GeneratedLayer(byte[] blob, String digest, String diffId, long files, long tarBytes) {}

  /**
   * An Ubuntu-like os-release and dpkg status, then thousands of files of mixed sizes (most
   * small, a few large) whose content is half random bytes and half text, so gzip roughly
   * halves it, until the gzip reaches the target size.
   */
  static GeneratedLayer realisticGzipLayer(long compressedTarget, long seed) throws Exception {
    Random random = new Random(seed);
    String[] words = "lib usr share config value true false service default path name version".split(" ");
    return gzipLayer((tar, compressed) -> {
      long files = 0;
      files += put(tar, "etc/os-release", SampleImages.UBUNTU_RELEASE.getBytes(StandardCharsets.UTF_8), 0644);
      files += put(tar, "var/lib/dpkg/status",
          SampleImages.dpkgStatus("7.81.0-1ubuntu1.10").getBytes(StandardCharsets.UTF_8), 0644);
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
        files += put(tar, "usr/lib/pkg" + (files / 40) + "/d" + (files % 5) + "/f" + files + ".so",
            content, files % 9 == 0 ? 0755 : 0644);
      }
      return files;
    });
  }

  /**
   * Files of {@code fileSize} bytes, each 8 KiB of random bytes then zeros: about 110:1 under
   * gzip, below the walker's 200:1 decompression-bomb ratio.
   */
  static GeneratedLayer mostlyZeroGzipLayer(long files, long fileSize) throws Exception {
    Random random = new Random(1);
    return gzipLayer((tar, compressed) -> {
      byte[] chunk = new byte[64 * 1024];
      for (long i = 0; i < files; i++) {
        TarArchiveEntry entry = new TarArchiveEntry("var/lib/db/segment-" + i);
        entry.setSize(fileSize);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        random.nextBytes(chunk);
        tar.write(chunk, 0, 8 * 1024);
        java.util.Arrays.fill(chunk, (byte) 0);
        for (long written = 8 * 1024; written < fileSize; written += chunk.length) {
          tar.write(chunk, 0, (int) Math.min(chunk.length, fileSize - written));
        }
        tar.closeArchiveEntry();
      }
      return files;
    });
  }

  private static int put(TarArchiveOutputStream tar, String path, byte[] content, int mode) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(path);
    entry.setSize(content.length);
    entry.setMode(mode);
    entry.setModTime(0);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
    return 1;
  }

  private interface TarContent {
    long write(TarArchiveOutputStream tar, CountingOutputStream compressed) throws IOException;
  }

  /** Writes tar entries through gzip into memory, hashing the tar (diff_id) on the way. */
  private static GeneratedLayer gzipLayer(TarContent content) throws Exception {
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    CountingOutputStream compressed = new CountingOutputStream(blob);
    MessageDigest tarHash = MessageDigest.getInstance("SHA-256");
    CountingOutputStream uncompressed;
    long files;
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(uncompressed = new CountingOutputStream(
        new DigestOutputStream(new GZIPOutputStream(compressed, 1 << 16), tarHash)))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      files = content.write(tar, compressed);
      tar.finish();
    }
    byte[] bytes = blob.toByteArray();
    return new GeneratedLayer(bytes, Digest.sha256(bytes).toString(),
        "sha256:" + HexFormat.of().formatHex(tarHash.digest()), files, uncompressed.getByteCount());
  }

}
