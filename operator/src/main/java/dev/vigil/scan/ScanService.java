package dev.vigil.scan;

import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.registry.DigestResolution;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryException;
import dev.vigil.signature.Authority;
import dev.vigil.signature.SignatureResult;
import dev.vigil.signature.SignatureVerifier;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The only place that knows the scan caches. Each image digest is read once per check
 * settings (single-flight: concurrent requests for a digest join the scan in flight) and its
 * analysis is kept, so a vulnerability-database refresh re-matches without reading any layer:
 * first in a bounded in-memory LRU, behind it in the durable {@link AnalysisStore} (which
 * outlives restarts and holds more digests than the heap should), and only then the registry.
 */
public final class ScanService {

  /**
   * What to scan.
   *
   * @param source registry client with the credentials this image may be pulled with
   * @param reference the image reference as the workload names it
   * @param runningDigest the platform manifest digest pods run, or null to resolve the tag
   * @param platform the platform to resolve an index for
   * @param settings image-check settings
   * @param authorities signature authorities; empty when no policy asks for signatures
   */
  public record Request(
      ImageSource source,
      ImageReference reference,
      String runningDigest,
      Platform platform,
      ImageCheckSettings settings,
      List<Authority> authorities) {}

  /**
   * What a scan found.
   *
   * @param analysis image facts, findings and inventory
   * @param vulnerabilities matches against the current database (empty without a database)
   * @param vulnDb the database used, null when none was loaded
   * @param signature signature verification, null when no authority was given
   * @param fromCache true when the analysis was not read from the registry this time
   */
  public record Result(
      ImageAnalysis analysis,
      List<VulnerabilityMatch> vulnerabilities,
      VulnDbInfo vulnDb,
      SignatureResult signature,
      boolean fromCache) {}

  /** Receives what the service did, for metrics. */
  public interface Listener {
    Listener NONE = new Listener() {};

    default void scanned(java.time.Duration duration, boolean success) {}

    default void servedFromCache() {}

    /** An analysis came from the durable store (a memory miss that needed no registry read). */
    default void servedFromStore() {}
  }

  /** Where the current vulnerability database comes from (may load an ecosystem on demand). */
  public interface VulnerabilityData {
    /** Matches for the inventory, or throws ScanException when the needed data cannot be had. */
    Matched match(dev.vigil.inventory.Inventory inventory) throws ScanException;

    /** Matches and the database they came from (null db when no data applies). */
    record Matched(List<VulnerabilityMatch> matches, VulnDbInfo db) {}
  }

  private final ImageAnalyzer analyzer;
  private final VulnerabilityData vulnerabilityData;
  private final SignatureVerifier signatures;
  private final ExecutorService scanners;
  private final Listener listener;
  private final int maxCached;
  private final AnalysisStore store;
  private final Map<AnalysisKey, ImageAnalysis> analyses;
  private final Map<AnalysisKey, CompletableFuture<ImageAnalysis>> inFlight = new ConcurrentHashMap<>();

  /** Analyses depend on the image and on the check settings, nothing else. */
  private record AnalysisKey(String digest, ImageCheckSettings settings) {}

  public ScanService(ImageAnalyzer analyzer, VulnerabilityData vulnerabilityData, SignatureVerifier signatures,
      ExecutorService scanners, int maxCachedAnalyses, Listener listener) {
    this(analyzer, vulnerabilityData, signatures, scanners, maxCachedAnalyses, AnalysisStore.NONE, listener);
  }

  /**
   * @param maxCachedAnalyses analyses kept in memory (least recently used go first)
   * @param store where analyses are kept durably behind the memory cache
   */
  public ScanService(ImageAnalyzer analyzer, VulnerabilityData vulnerabilityData, SignatureVerifier signatures,
      ExecutorService scanners, int maxCachedAnalyses, AnalysisStore store, Listener listener) {
    this.store = store;
    this.analyzer = analyzer;
    this.vulnerabilityData = vulnerabilityData;
    this.signatures = signatures;
    this.scanners = scanners;
    this.listener = listener;
    this.maxCached = maxCachedAnalyses;
    this.analyses = new LinkedHashMap<>(16, 0.75f, true);
  }

  /**
   * Resolves the digest a reference names now (an index's digest for a multi-platform image),
   * with one HEAD where the registry allows it.
   */
  public static String resolveDigest(ImageSource source, ImageReference reference, Platform platform)
      throws ScanException {
    try {
      DigestResolution resolution = source.headDigest(reference, platform);
      return resolution.digest();
    } catch (RegistryException e) {
      throw new ScanException(ScanException.Kind.Registry, e.getMessage(), e);
    }
  }

  /** Scans asynchronously on the service's bounded executor. */
  public CompletableFuture<Result> scan(Request request) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return scanNow(request);
      } catch (ScanException e) {
        throw new CompletionException(e);
      }
    }, scanners);
  }

  /** Scans on the calling thread. */
  public Result scanNow(Request request) throws ScanException {
    String digest = request.runningDigest() != null ? request.runningDigest()
        : resolveDigest(request.source(), request.reference(), request.platform());
    AnalysisKey key = new AnalysisKey(digest, request.settings());
    ImageAnalysis cached;
    synchronized (analyses) {
      cached = analyses.get(key);
    }
    Loaded loaded = cached != null ? new Loaded(cached, false) : analyzeOnce(key, request, digest);
    ImageAnalysis analysis = loaded.analysis();
    boolean fromCache = !loaded.read();
    if (fromCache) {
      listener.servedFromCache();
    }
    VulnerabilityData.Matched matched = vulnerabilityData.match(analysis.inventory());
    SignatureResult signature = request.authorities().isEmpty() ? null
        : signatures.verify(request.reference().toRepository().toString(), analysis.manifestDigest(),
            request.authorities());
    return new Result(analysis, matched.matches(), matched.db(), signature, fromCache);
  }

  /** How many analyses are cached. */
  public int cachedAnalyses() {
    synchronized (analyses) {
      return analyses.size();
    }
  }

  /** An analysis and whether this request read it from the registry. */
  private record Loaded(ImageAnalysis analysis, boolean read) {}

  private Loaded analyzeOnce(AnalysisKey key, Request request, String digest) throws ScanException {
    CompletableFuture<ImageAnalysis> mine = new CompletableFuture<>();
    CompletableFuture<ImageAnalysis> existing = inFlight.putIfAbsent(key, mine);
    if (existing != null) {
      // Counted as a read, as before the store existed: the image is being read for it.
      return new Loaded(join(existing), true);
    }
    long start = System.nanoTime();
    try {
      ImageAnalysis stored = store.find(digest, request.platform(), request.settings(), request.reference());
      if (stored != null) {
        remember(key, stored);
        listener.servedFromStore();
        mine.complete(stored);
        return new Loaded(stored, false);
      }
      ImageAnalysis analysis = analyzer.analyze(request.source(), request.reference().withDigest(digest),
          request.platform(), request.settings(), ScanProgress.NONE);
      remember(key, analysis);
      listener.scanned(java.time.Duration.ofNanos(System.nanoTime() - start), true);
      // Joiners need not wait for the store's write.
      mine.complete(analysis);
      try {
        store.save(digest, request.platform(), request.settings(), analysis);
      } catch (RuntimeException e) {
        // A store that cannot write costs a re-read after a restart, never this scan.
      }
      return new Loaded(analysis, true);
    } catch (ScanException | RuntimeException e) {
      listener.scanned(java.time.Duration.ofNanos(System.nanoTime() - start), false);
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private void remember(AnalysisKey key, ImageAnalysis analysis) {
    synchronized (analyses) {
      analyses.put(key, analysis);
      while (analyses.size() > maxCached) {
        analyses.remove(analyses.keySet().iterator().next());
      }
    }
  }

  private static ImageAnalysis join(CompletableFuture<ImageAnalysis> future) throws ScanException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ScanException s) {
        throw s;
      }
      throw e;
    }
  }
}
