package dev.vigil.scan;

import dev.vigil.api.Finding;
import dev.vigil.image.ContentSelector;
import dev.vigil.image.ImageConfig;
import dev.vigil.image.ImageFacts;
import dev.vigil.image.InvalidImageConfigException;
import dev.vigil.image.LayerException;
import dev.vigil.image.LayerFacts;
import dev.vigil.image.LayerFactsCache;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.image.checks.ImageChecks;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.InventoryAnalyzer;
import dev.vigil.registry.Descriptor;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryException;
import dev.vigil.registry.Repository;
import dev.vigil.registry.ResolvedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads one image from its registry the way a runtime would (manifest, config, layers),
 * streaming each layer once through the layer cache (with the inventory's language-package
 * readers reading the files they want on the way), and runs the image checks and the package
 * inventory over the result.
 */
public final class ImageAnalyzer {

  /**
   * Version of what an analysis contains and how it is computed. Raise it whenever a change to
   * the image reading, the inventory readers, the checks or {@link AnalysisCodec}'s document would
   * make a stored analysis differ from a fresh one: stored analyses of another version are then
   * read again from the registry and replaced.
   */
  public static final int VERSION = 1;

  /** Every file content the analyzers need captured while layers stream. */
  public static final List<ContentSelector> SELECTORS = selectors();

  private final LayerFactsCache layers;
  private final InventoryAnalyzer inventory;
  private final ImageChecks checks;
  private final ExecutorService layerReaders;
  private final Clock clock;

  /**
   * @param layerReaders runs layer reads; its size bounds how many layers of one image are
   *     read at once
   */
  public ImageAnalyzer(
      LayerFactsCache layers,
      InventoryAnalyzer inventory,
      ImageChecks checks,
      ExecutorService layerReaders,
      Clock clock) {
    this.layers = layers;
    this.inventory = inventory;
    this.checks = checks;
    this.layerReaders = layerReaders;
    this.clock = clock;
  }

  /**
   * Scans the image a reference names, for one platform.
   *
   * @param source the registry client, with the credentials this image may be pulled with
   */
  public ImageAnalysis analyze(ImageSource source, ImageReference reference, Platform platform,
      ImageCheckSettings settings, ScanProgress progress) throws ScanException {
    Instant start = clock.instant();
    ResolvedImage resolved;
    byte[] configBytes;
    Repository repository = reference.toRepository();
    try {
      resolved = source.resolve(reference, platform);
      configBytes = source.fetchConfig(repository, resolved.config());
    } catch (RegistryException e) {
      throw new ScanException(ScanException.Kind.Registry, e.getMessage(), e);
    }
    ImageConfig config;
    try {
      config = ImageConfig.parse(configBytes);
    } catch (InvalidImageConfigException e) {
      throw new ScanException(ScanException.Kind.Image,
          "image config " + resolved.config().digest() + ": " + e.getMessage(), e);
    }
    List<Descriptor> blobs = resolved.layers();
    if (config.diffIds().size() != blobs.size()) {
      throw new ScanException(ScanException.Kind.Image, "manifest " + resolved.manifestDigest()
          + " has " + blobs.size() + " layers but its config names " + config.diffIds().size()
          + " diff_ids", null);
    }
    progress.resolved(reference.canonical(), resolved.manifestDigest(), blobs.size());
    LayersRead read = readLayers(source, repository, blobs, config.diffIds(), progress);
    ImageFacts files;
    try {
      files = ImageFacts.assemble(read.facts());
    } catch (LayerException e) {
      throw new ScanException(ScanException.Kind.Image, e.getMessage(), e);
    }
    List<Finding> findings = checks.run(config, files, settings, clock);
    Inventory packages = inventory.analyze(files);
    Platform actual = resolved.platform() != null ? resolved.platform()
        : new Platform(config.os(), config.architecture(), config.variant());
    List<String> digests = blobs.stream().map(Descriptor::digest).toList();
    return new ImageAnalysis(reference, resolved.manifestDigest(), resolved.indexDigest(), actual,
        config, packages, findings, digests, read.fromCache(),
        clock.instant(), Duration.between(start, clock.instant()));
  }

  private record LayersRead(List<LayerFacts> facts, int fromCache) {}

  /**
   * Reads the layers concurrently, as many at once as {@code layerReaders} has threads (each
   * read also decompresses on a thread of its own), largest first so that the image takes about
   * as long as its largest layer; the facts are merged in layer order whatever order the reads
   * finish in, because whiteouts and opaque directories only apply to the layers below them.
   */
  private LayersRead readLayers(ImageSource source, Repository repository,
      List<Descriptor> blobs, List<String> diffIds, ScanProgress progress) throws ScanException {
    List<Future<LayerFacts>> pending = new ArrayList<>(Collections.nCopies(blobs.size(), null));
    AtomicInteger fromCache = new AtomicInteger();
    List<Integer> largestFirst = new ArrayList<>();
    for (int i = 0; i < blobs.size(); i++) {
      largestFirst.add(i);
    }
    largestFirst.sort(Comparator.comparingLong((Integer i) -> blobs.get(i).size()).reversed());
    for (int index : largestFirst) {
      Descriptor blob = blobs.get(index);
      pending.set(index, layerReaders.submit(() -> {
        boolean cached = layers.contains(blob.digest(), SELECTORS, inventory.entryReaders());
        if (cached) {
          fromCache.incrementAndGet();
        } else {
          progress.layerStarted(index, blobs.size(), blob.digest(), blob.size());
        }
        LayerFacts f = layers.get(blob.digest(), blob.mediaType(), diffIds.get(index), SELECTORS,
            inventory.entryReaders(), () -> source.openBlob(repository, blob));
        progress.layerDone(index, blobs.size(), blob.digest(), cached);
        return f;
      }));
    }
    List<LayerFacts> out = new ArrayList<>();
    try {
      for (Future<LayerFacts> f : pending) {
        out.add(f.get());
      }
      return new LayersRead(out, fromCache.get());
    } catch (InterruptedException e) {
      pending.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new ScanException(ScanException.Kind.Interrupted, "interrupted while reading layers", e);
    } catch (ExecutionException e) {
      pending.forEach(f -> f.cancel(true));
      Throwable cause = e.getCause();
      if (cause instanceof RegistryException) {
        throw new ScanException(ScanException.Kind.Registry, cause.getMessage(), cause);
      }
      throw new ScanException(ScanException.Kind.Image, cause.getMessage(), cause);
    }
  }

  private static List<ContentSelector> selectors() {
    List<ContentSelector> all = new ArrayList<>(InventoryAnalyzer.SELECTORS);
    all.add(ImageChecks.CONTENT_SELECTOR);
    return List.copyOf(all);
  }
}
