package dev.vigil.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.image.LayerFactsCache;
import dev.vigil.image.LayerWalker;
import dev.vigil.image.checks.ImageChecks;
import dev.vigil.inventory.InventoryAnalyzer;
import dev.vigil.registry.Descriptor;
import dev.vigil.registry.DigestResolution;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RawManifest;
import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryCredentials;
import dev.vigil.registry.RegistryException;
import dev.vigil.registry.Repository;
import dev.vigil.registry.ResolvedImage;
import dev.vigil.testsupport.Compression;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import dev.vigil.testsupport.TestLayer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Layers of one image are read concurrently (issue 12) and merged in layer order: a whiteout
 * or an opaque directory only hides what the layers below it hold, so the result must not
 * depend on which read finishes first. The image here deletes, hides and replaces files across
 * six layers of all three compressions; the real local registry serves it.
 */
class ParallelLayerReadTest {

  private static final Clock CLOCK = Clock.systemUTC();
  private static final ObjectMapper JSON = new ObjectMapper();

  static LocalRegistry registry;
  static PushedImage image;
  static List<Long> layerSizes;

  @BeforeAll
  static void pushImage() {
    registry = LocalRegistry.start();
    TestImage built = sixLayers();
    layerSizes = built.layers().stream().map(TestLayer::size).toList();
    image = registry.pusher().push("parallel/app", "1", built);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Base with packages and mistakes; then whiteouts, an opaque directory, rewrites, re-adds. */
  static TestImage sixLayers() {
    TestLayer base = TestImages.layer()
        .file("etc/os-release", SampleImages.UBUNTU_RELEASE)
        .file("var/lib/dpkg/status", SampleImages.dpkgStatus("7.81.0-1ubuntu1.10"))
        .file("usr/bin/passwd", "passwd".getBytes(StandardCharsets.UTF_8), 04755)
        .file("usr/bin/su", "su".getBytes(StandardCharsets.UTF_8), 04755)
        .file("root/.ssh/id_rsa", SampleImages.PRIVATE_KEY.getBytes(StandardCharsets.UTF_8), 0600)
        .file("opt/app/old.key", SampleImages.PRIVATE_KEY.getBytes(StandardCharsets.UTF_8), 0600)
        .file("opt/app/keep.txt", "x")
        .file("usr/bin/nc", "nc".getBytes(StandardCharsets.UTF_8), 0755)
        .file("filler/big.bin", filler(400_000), 0644)
        .build(Compression.GZIP);
    TestLayer deletes = TestImages.layer()
        .whiteout("usr/bin/su")
        .whiteout("root/.ssh/id_rsa")
        .file("tmp/open", "world".getBytes(StandardCharsets.UTF_8), 0777)
        .build(Compression.ZSTD);
    TestLayer hides = TestImages.layer()
        .opaque("opt/app")
        .file("opt/app/new.txt", "y")
        .build(Compression.NONE);
    TestLayer upgrades = TestImages.layer()
        .file("var/lib/dpkg/status", SampleImages.dpkgStatus("7.81.0-1ubuntu1.13"))
        .file("filler/more.bin", filler(200_000), 0644)
        .build(Compression.GZIP);
    TestLayer readds = TestImages.layer()
        .file("usr/bin/su", "su again".getBytes(StandardCharsets.UTF_8), 04755)
        .whiteout("usr/bin/nc")
        .file("tmp/open", "closed".getBytes(StandardCharsets.UTF_8), 0644)
        .build(Compression.GZIP);
    TestLayer top = TestImages.layer()
        .file("root/.ssh/id_rsa", SampleImages.PRIVATE_KEY.getBytes(StandardCharsets.UTF_8), 0600)
        .build(Compression.ZSTD);
    return TestImages.image().layer(base).layer(deletes).layer(hides).layer(upgrades).layer(readds).layer(top)
        .build();
  }

  private static byte[] filler(int size) {
    byte[] bytes = new byte[size];
    new java.util.Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void layersReadConcurrentlyAndFinishingInReverseGiveWhatOneAtATimeGives() throws Exception {
    String sequential = analyse(registry.client(), 1, ScanProgress.NONE);

    // Each layer's blob is held back the longer the lower the layer, so the top finishes first.
    List<Integer> finished = Collections.synchronizedList(new ArrayList<>());
    ImageSource reversed = new Wrapped(registry.client()) {
      @Override
      InputStream wrap(String digest, InputStream blob) {
        int index = image.layerDigests().indexOf(digest);
        return new FilterInputStream(blob) {
          boolean waited;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (!waited) {
              waited = true;
              sleep(150L * (image.layerDigests().size() - index));
            }
            return super.read(b, off, len);
          }
        };
      }
    };
    String concurrent = analyse(reversed, 6, new ScanProgress() {
      @Override
      public void layerDone(int index, int count, String digest, boolean fromCache) {
        finished.add(index);
      }
    });

    assertEquals(6, finished.size());
    assertNotEquals(List.of(0, 1, 2, 3, 4, 5), finished, "the reads finished out of layer order");
    assertEquals(sequential, concurrent);
    // The merge really applied the upper layers: curl upgraded, su re-added after its whiteout,
    // the key under the opaque directory deleted, the key re-added at the top present.
    assertTrue(sequential.contains("\"version\":\"7.81.0-1ubuntu1.13\"")
        && !sequential.contains("\"version\":\"7.81.0-1ubuntu1.10\""), sequential);
    assertTrue(sequential.contains("/usr/bin/su (setuid)"), sequential);
    assertTrue(sequential.contains("/opt/app/old.key: OPENSSH private key (deleted in a later layer"), sequential);
    assertTrue(sequential.contains("\"/root/.ssh/id_rsa: OPENSSH private key\""), sequential);
  }

  @Test
  void noMoreLayersAreReadAtOnceThanTheReaderPoolHasThreadsLargestFirst() throws Exception {
    AtomicInteger open = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Long> startedSizes = Collections.synchronizedList(new ArrayList<>());
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    ImageSource counting = new Wrapped(registry.client()) {
      @Override
      InputStream wrap(String digest, InputStream blob) {
        seen.put(digest, true);
        most.accumulateAndGet(open.incrementAndGet(), Math::max);
        sleep(200);
        return new FilterInputStream(blob) {
          boolean closed;

          @Override
          public void close() throws IOException {
            if (!closed) {
              closed = true;
              open.decrementAndGet();
            }
            super.close();
          }
        };
      }
    };
    ScanProgress sizes = new ScanProgress() {
      @Override
      public void layerStarted(int index, int count, String digest, long compressedBytes) {
        startedSizes.add(compressedBytes);
      }
    };

    analyse(counting, 2, ScanProgress.NONE);

    assertEquals(6, seen.size());
    assertEquals(2, most.get(), "two readers, two blobs open at most (and at some point both)");

    // One reader takes the layers in the order they were handed over.
    analyse(registry.client(), 1, sizes);
    List<Long> descending = new ArrayList<>(layerSizes);
    descending.sort(Collections.reverseOrder());
    assertEquals(descending, startedSizes, "largest layers first");
  }

  /** Inventory and findings of a scan with a fresh layer cache, as JSON. */
  private static String analyse(ImageSource source, int readers, ScanProgress progress) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    try {
      ImageAnalyzer analyzer = new ImageAnalyzer(new LayerFactsCache(new LayerWalker(), 64L << 20),
          new InventoryAnalyzer(CLOCK), new ImageChecks(), pool, CLOCK);
      ImageAnalysis analysis = analyzer.analyze(source, image.reference(), Platform.LINUX_AMD64,
          CheckSettingsMerger.merge(List.of()), progress);
      return JSON.writeValueAsString(List.of(analysis.inventory(), analysis.findings()));
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The registry client with every layer blob passed through {@link #wrap}. */
  private abstract static class Wrapped implements ImageSource {
    private final RegistryClient delegate;

    Wrapped(RegistryClient delegate) {
      this.delegate = delegate;
    }

    abstract InputStream wrap(String digest, InputStream blob);

    @Override
    public InputStream openBlob(Repository repository, String digest) throws RegistryException {
      return wrap(digest, delegate.openBlob(repository, digest));
    }

    @Override
    public InputStream openBlob(Repository repository, Descriptor descriptor) throws RegistryException {
      return wrap(descriptor.digest(), delegate.openBlob(repository, descriptor));
    }

    @Override
    public void ping(String registry) throws RegistryException {
      delegate.ping(registry);
    }

    @Override
    public ResolvedImage resolve(ImageReference reference) throws RegistryException {
      return delegate.resolve(reference);
    }

    @Override
    public ResolvedImage resolve(ImageReference reference, Platform platform) throws RegistryException {
      return delegate.resolve(reference, platform);
    }

    @Override
    public DigestResolution headDigest(ImageReference reference) throws RegistryException {
      return delegate.headDigest(reference);
    }

    @Override
    public DigestResolution headDigest(ImageReference reference, Platform platform) throws RegistryException {
      return delegate.headDigest(reference, platform);
    }

    @Override
    public RawManifest fetchManifest(Repository repository, String reference) throws RegistryException {
      return delegate.fetchManifest(repository, reference);
    }

    @Override
    public byte[] fetchBlob(Repository repository, String digest, long maxBytes) throws RegistryException {
      return delegate.fetchBlob(repository, digest, maxBytes);
    }

    @Override
    public byte[] fetchConfig(Repository repository, Descriptor config) throws RegistryException {
      return delegate.fetchConfig(repository, config);
    }

    @Override
    public List<String> listTags(Repository repository) throws RegistryException {
      return delegate.listTags(repository);
    }

    @Override
    public List<Descriptor> referrers(Repository repository, String digest, String artifactType)
        throws RegistryException {
      return delegate.referrers(repository, digest, artifactType);
    }

    @Override
    public ImageSource withCredentials(RegistryCredentials credentials) {
      return delegate.withCredentials(credentials);
    }
  }
}
