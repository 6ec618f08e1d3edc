package dev.vigil.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layer facts by layer digest, selector set and reader set, so a base layer shared by many images is
 * downloaded and walked once. Bounded by the facts' {@link LayerFacts#retainedBytes()},
 * least recently used first out. Concurrent requests for the same key share one walk; a
 * failed walk is not remembered, so the next request tries again. Thread-safe.
 */
public final class LayerFactsCache {

  /** Created on first use, so that a scan that logs nothing never starts logback (CLI start-up). */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(LayerFactsCache.class);
  }

  /** Opens a layer blob; called only when the facts are neither cached nor being walked. */
  @FunctionalInterface
  public interface BlobOpener {
    InputStream open() throws IOException;
  }

  private final LayerWalker walker;
  private final long maxRetainedBytes;
  private final Object lock = new Object();
  private final LinkedHashMap<String, LayerFacts> cached = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, CompletableFuture<LayerFacts>> walking = new HashMap<>();
  private long retainedBytes;
  private long hits;
  private long misses;
  private long coalesced;
  private long evictions;

  public LayerFactsCache(LayerWalker walker, long maxRetainedBytes) {
    if (maxRetainedBytes <= 0) {
      throw new IllegalArgumentException("maxRetainedBytes must be positive: " + maxRetainedBytes);
    }
    this.walker = Objects.requireNonNull(walker, "walker");
    this.maxRetainedBytes = maxRetainedBytes;
  }

  /**
   * The facts of a layer: from the cache, from a walk another thread is doing, or from a new
   * walk of the blob {@code opener} opens (and this method closes).
   *
   * @throws LayerException when the walk fails (every waiter gets the failure) or the cached
   *     facts belong to a different diff_id than this image's config names
   * @throws InterruptedException when interrupted while waiting for another thread's walk
   */
  public LayerFacts get(
      String layerDigest,
      String mediaType,
      String expectedDiffId,
      List<ContentSelector> selectors,
      BlobOpener opener)
      throws LayerException, InterruptedException {
    return get(layerDigest, mediaType, expectedDiffId, selectors, List.of(), opener);
  }

  /**
   * As {@link #get(String, String, String, List, BlobOpener)}, with readers the walk hands
   * wanted files to; their names and versions are part of the key.
   */
  public LayerFacts get(
      String layerDigest,
      String mediaType,
      String expectedDiffId,
      List<ContentSelector> selectors,
      List<? extends EntryReader> readers,
      BlobOpener opener)
      throws LayerException, InterruptedException {
    Objects.requireNonNull(opener, "opener");
    String key = key(layerDigest, selectors, readers);
    CompletableFuture<LayerFacts> future;
    boolean walkHere = false;
    synchronized (lock) {
      LayerFacts facts = cached.get(key);
      if (facts != null) {
        hits++;
        return checkedDiffId(facts, expectedDiffId);
      }
      future = walking.get(key);
      if (future == null) {
        future = new CompletableFuture<>();
        walking.put(key, future);
        walkHere = true;
        misses++;
      } else {
        coalesced++;
      }
    }
    if (walkHere) {
      return walkAndPublish(
          key, layerDigest, mediaType, expectedDiffId, selectors, readers, opener, future);
    }
    try {
      return checkedDiffId(future.get(), expectedDiffId);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LayerException layerException) {
        throw layerException.copyForWaiter();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("layer walk failed unexpectedly", cause);
    }
  }

  private LayerFacts walkAndPublish(
      String key,
      String layerDigest,
      String mediaType,
      String expectedDiffId,
      List<ContentSelector> selectors,
      List<? extends EntryReader> readers,
      BlobOpener opener,
      CompletableFuture<LayerFacts> future)
      throws LayerException {
    LayerFacts facts;
    try {
      facts = openAndWalk(layerDigest, mediaType, expectedDiffId, selectors, readers, opener);
    } catch (LayerException | RuntimeException | Error e) {
      synchronized (lock) {
        walking.remove(key);
      }
      future.completeExceptionally(e);
      throw e;
    }
    synchronized (lock) {
      walking.remove(key);
      store(key, facts);
    }
    future.complete(facts);
    return facts;
  }

  private LayerFacts openAndWalk(
      String layerDigest,
      String mediaType,
      String expectedDiffId,
      List<ContentSelector> selectors,
      List<? extends EntryReader> readers,
      BlobOpener opener)
      throws LayerException {
    InputStream blob;
    try {
      blob = opener.open();
    } catch (IOException e) {
      throw new LayerException(
          LayerException.Reason.READ_FAILED,
          layerDigest,
          "opening the blob failed: " + e.getMessage(),
          e);
    }
    try {
      return walker.walk(layerDigest, mediaType, blob, expectedDiffId, selectors, readers);
    } finally {
      try {
        blob.close();
      } catch (IOException e) {
        // The walk has already verified every byte against the diff_id (or failed).
        Log.LOG.debug("closing the blob of layer {} failed: {}", layerDigest, e.toString());
      }
    }
  }

  /** Called under the lock. Facts larger than the whole cache are returned but not kept. */
  private void store(String key, LayerFacts facts) {
    if (facts.retainedBytes() > maxRetainedBytes) {
      return;
    }
    LayerFacts previous = cached.put(key, facts);
    if (previous != null) {
      retainedBytes -= previous.retainedBytes();
    }
    retainedBytes += facts.retainedBytes();
    Iterator<Map.Entry<String, LayerFacts>> eldest = cached.entrySet().iterator();
    while (retainedBytes > maxRetainedBytes && eldest.hasNext()) {
      Map.Entry<String, LayerFacts> entry = eldest.next();
      if (entry.getKey().equals(key)) {
        continue;
      }
      retainedBytes -= entry.getValue().retainedBytes();
      eldest.remove();
      evictions++;
    }
  }

  private static LayerFacts checkedDiffId(LayerFacts facts, String expectedDiffId)
      throws LayerException {
    if (expectedDiffId == null || !facts.diffId().equalsIgnoreCase(expectedDiffId)) {
      throw new LayerException(
          LayerException.Reason.DIFF_ID_MISMATCH,
          facts.layerDigest(),
          "uncompressed tar hashes to " + facts.diffId() + " but the image config says "
              + expectedDiffId);
    }
    return facts;
  }

  /** Layer digest plus the sorted "name:version" of every selector. */
  static String key(String layerDigest, List<ContentSelector> selectors) {
    return key(layerDigest, selectors, List.of());
  }

  /**
   * Layer digest plus the sorted "name:version" of every selector, then of every reader (after
   * a "|", so a reader never takes a selector's place). Without readers the key is what it was
   * before readers existed.
   */
  static String key(
      String layerDigest, List<ContentSelector> selectors, List<? extends EntryReader> readers) {
    TreeSet<String> selection = new TreeSet<>();
    for (ContentSelector selector : selectors) {
      selection.add(selector.name() + ":" + selector.version());
    }
    String key = layerDigest + " " + String.join(",", selection);
    if (readers.isEmpty()) {
      return key;
    }
    TreeSet<String> reading = new TreeSet<>();
    for (EntryReader reader : readers) {
      reading.add(reader.name() + ":" + reader.version());
    }
    return key + "|" + String.join(",", reading);
  }

  public long hits() {
    synchronized (lock) {
      return hits;
    }
  }

  /** Requests that started a walk. */
  public long misses() {
    synchronized (lock) {
      return misses;
    }
  }

  /** Requests that joined a walk another thread had started. */
  public long coalesced() {
    synchronized (lock) {
      return coalesced;
    }
  }

  public long evictions() {
    synchronized (lock) {
      return evictions;
    }
  }

  /** Layers currently cached. */
  public int size() {
    synchronized (lock) {
      return cached.size();
    }
  }

  /** Sum of the cached facts' retained bytes. */
  public long retainedBytes() {
    synchronized (lock) {
      return retainedBytes;
    }
  }

  public long maxRetainedBytes() {
    return maxRetainedBytes;
  }

  /** True when facts for this layer and selector set are cached (does not count as a hit). */
  public boolean contains(String layerDigest, List<ContentSelector> selectors) {
    return contains(layerDigest, selectors, List.of());
  }

  /** True when facts for this layer, selector set and reader set are cached (not a hit). */
  public boolean contains(
      String layerDigest, List<ContentSelector> selectors, List<? extends EntryReader> readers) {
    synchronized (lock) {
      return cached.containsKey(key(layerDigest, selectors, readers));
    }
  }
}
