package dev.vigil.image;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LayerFactsCacheTest {

  private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final List<ContentSelector> SELECTORS =
      List.of(new ContentSelector("os", 1, p -> p.equals("etc/os-release"), 1024));

  private final ExecutorService executor = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopThreads() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
  }

  /** A gzip layer with its digest and diff_id, and an opener that counts how often it runs. */
  private static final class Blob {
    final byte[] tar;
    final byte[] gzip;
    final String digest;
    final String diffId;
    final AtomicInteger opens = new AtomicInteger();

    Blob(String content) {
      tar = TarLayer.pax().file("etc/os-release", content).file("data", content).tar();
      gzip = TarLayer.gzip(tar);
      digest = TarLayer.sha256(gzip);
      diffId = TarLayer.sha256(tar);
    }

    InputStream open() {
      opens.incrementAndGet();
      return new ByteArrayInputStream(gzip);
    }
  }

  /** Blocks the first read until the test opens the gate, so other requests pile up. */
  private static final class GatedStream extends FilterInputStream {
    private final CountDownLatch gate;

    GatedStream(InputStream in, CountDownLatch gate) {
      super(in);
      this.gate = gate;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new IOException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted at the gate", e);
      }
      return super.read(b, off, len);
    }
  }

  @Test
  void aLayerSharedByTwoImagesIsWalkedOnce() throws Exception {
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 10_000_000);
    Blob base = new Blob("ID=alpine\n");

    LayerFacts forFirstImage = cache.get(base.digest, GZIP, base.diffId, SELECTORS, base::open);
    LayerFacts forSecondImage = cache.get(base.digest, GZIP, base.diffId, SELECTORS, base::open);

    assertSame(forFirstImage, forSecondImage);
    assertEquals(1, base.opens.get());
    assertEquals(1, cache.misses());
    assertEquals(1, cache.hits());
    assertEquals(1, cache.size());
    assertEquals(forFirstImage.retainedBytes(), cache.retainedBytes());
  }

  @Test
  void anotherSelectorVersionIsAnotherKey() throws Exception {
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 10_000_000);
    Blob base = new Blob("ID=alpine\n");
    List<ContentSelector> bumped =
        List.of(new ContentSelector("os", 2, p -> p.startsWith("etc/"), 1024));

    cache.get(base.digest, GZIP, base.diffId, SELECTORS, base::open);
    cache.get(base.digest, GZIP, base.diffId, bumped, base::open);

    assertEquals(2, base.opens.get());
    assertEquals(2, cache.misses());
    assertEquals(0, cache.hits());
  }

  @Test
  void concurrentRequestsForOneLayerShareOneWalk() throws Exception {
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 10_000_000);
    Blob base = new Blob("ID=debian\n");
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger opens = new AtomicInteger();
    LayerFactsCache.BlobOpener gated = () -> {
      opens.incrementAndGet();
      return new GatedStream(new ByteArrayInputStream(base.gzip), gate);
    };

    List<Future<LayerFacts>> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(executor.submit(() -> cache.get(base.digest, GZIP, base.diffId, SELECTORS, gated)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.coalesced() == 7);
    gate.countDown();

    LayerFacts first = requests.get(0).get(10, TimeUnit.SECONDS);
    for (Future<LayerFacts> request : requests) {
      assertSame(first, request.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, opens.get());
    assertEquals(1, cache.misses());
    assertEquals(7, cache.coalesced());
    assertEquals(0, cache.hits());
  }

  @Test
  void aFailedWalkReachesEveryWaiterAndIsNotCached() throws Exception {
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 10_000_000);
    Blob base = new Blob("ID=debian\n");
    String wrongDiffId = "sha256:" + "0".repeat(64);
    CountDownLatch gate = new CountDownLatch(1);
    LayerFactsCache.BlobOpener gated =
        () -> new GatedStream(new ByteArrayInputStream(base.gzip), gate);

    List<Future<LayerFacts>> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      requests.add(executor.submit(() -> cache.get(base.digest, GZIP, wrongDiffId, SELECTORS, gated)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.coalesced() == 3);
    gate.countDown();

    for (Future<LayerFacts> request : requests) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> request.get(10, TimeUnit.SECONDS));
      LayerException cause = (LayerException) e.getCause();
      assertEquals(LayerException.Reason.DIFF_ID_MISMATCH, cause.reason());
      assertEquals(base.digest, cause.layerDigest());
      assertEquals("uncompressed tar hashes to " + base.diffId + " but the image config says "
          + wrongDiffId, cause.detail());
    }
    assertEquals(0, cache.size());
    assertFalse(cache.contains(base.digest, SELECTORS));

    LayerFacts retried = cache.get(base.digest, GZIP, base.diffId, SELECTORS, base::open);
    assertEquals(2, retried.entries().size());
    assertEquals(2, cache.misses());
    assertEquals(1, cache.size());
  }

  @Test
  void cachedFactsAreRefusedForAnImageWhoseConfigNamesAnotherDiffId() throws Exception {
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 10_000_000);
    Blob base = new Blob("ID=debian\n");
    cache.get(base.digest, GZIP, base.diffId, SELECTORS, base::open);

    LayerException e = assertThrows(LayerException.class,
        () -> cache.get(base.digest, GZIP, "sha256:" + "0".repeat(64), SELECTORS, base::open));

    assertEquals(LayerException.Reason.DIFF_ID_MISMATCH, e.reason());
    assertEquals(1, base.opens.get());
  }

  @Test
  void anOpenerFailureIsAReadFailureAndIsNotCached() throws Exception {
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 10_000_000);
    Blob base = new Blob("ID=debian\n");

    LayerException e = assertThrows(LayerException.class,
        () -> cache.get(base.digest, GZIP, base.diffId, SELECTORS, () -> {
          throw new IOException("registry answered 503");
        }));

    assertEquals(LayerException.Reason.READ_FAILED, e.reason());
    assertEquals("opening the blob failed: registry answered 503", e.detail());
    assertEquals(0, cache.size());
    cache.get(base.digest, GZIP, base.diffId, SELECTORS, base::open);
    assertEquals(1, cache.size());
  }

  @Test
  void leastRecentlyUsedLayersAreEvictedWhenTheSizeBoundIsReached() throws Exception {
    Blob a = new Blob("ID=a\n");
    Blob b = new Blob("ID=b\n");
    Blob c = new Blob("ID=c\n");
    long one = new LayerWalker()
        .walk(a.digest, GZIP, new ByteArrayInputStream(a.gzip), a.diffId, SELECTORS)
        .retainedBytes();
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 2 * one + one / 2);

    cache.get(a.digest, GZIP, a.diffId, SELECTORS, a::open);
    cache.get(b.digest, GZIP, b.diffId, SELECTORS, b::open);
    cache.get(a.digest, GZIP, a.diffId, SELECTORS, a::open); // a is now the most recent
    cache.get(c.digest, GZIP, c.diffId, SELECTORS, c::open);

    assertTrue(cache.contains(a.digest, SELECTORS));
    assertFalse(cache.contains(b.digest, SELECTORS));
    assertTrue(cache.contains(c.digest, SELECTORS));
    assertEquals(1, cache.evictions());
    assertEquals(2 * one, cache.retainedBytes());
    cache.get(b.digest, GZIP, b.diffId, SELECTORS, b::open);
    assertEquals(2, b.opens.get());
  }

  @Test
  void factsLargerThanTheWholeCacheAreReturnedButNotKept() throws Exception {
    LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 10);
    Blob a = new Blob("ID=a\n");

    LayerFacts facts = cache.get(a.digest, GZIP, a.diffId, SELECTORS, a::open);

    assertEquals(2, facts.entries().size());
    assertEquals(0, cache.size());
    assertEquals(0, cache.retainedBytes());
  }
}
