package dev.vigil.operator;

import dev.vigil.api.Finding;
import dev.vigil.api.StoredImageAnalysis;
import dev.vigil.api.StoredImageAnalysisSpec;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.scan.AnalysisCodec;
import dev.vigil.scan.AnalysisStore;
import dev.vigil.scan.ImageAnalysis;
import dev.vigil.scan.ImageAnalyzer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analyses kept as cluster-scoped ImageAnalysis objects, one per digest, read by name on a
 * memory miss (no informer: holding every analysis in the heap is what the store avoids).
 * Unusable objects (another analyzer version, unreadable data, another digest's data) are
 * misses: the image is read again and the object replaced. Nothing here throws.
 */
public final class KubernetesAnalysisStore implements AnalysisStore {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesAnalysisStore.class);
  private static final Pattern DIGEST = Pattern.compile("^([a-z0-9]+):([a-f0-9]{32,128})$");
  private static final int WRITE_ATTEMPTS = 3;
  private static final int MAX_WARNED = 10_000;

  private final KubernetesClient client;
  private final AnalysisCodec codec;
  private final int analyzerVersion;
  private final Clock clock;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  public KubernetesAnalysisStore(KubernetesClient client, Clock clock) {
    this(client, new AnalysisCodec(), ImageAnalyzer.VERSION, clock);
  }

  KubernetesAnalysisStore(KubernetesClient client, AnalysisCodec codec, int analyzerVersion, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.codec = codec;
    this.analyzerVersion = analyzerVersion;
  }

  /** The object name of a digest's analysis ({@code sha256-<hex>}), or null for a malformed digest. */
  public static String objectName(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      return null;
    }
    return digest.replace(':', '-');
  }

  /** The digest an object name stands for, or null when the name is not one of ours. */
  public static String digestOf(String name) {
    int dash = name.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String digest = name.substring(0, dash) + ":" + name.substring(dash + 1);
    return DIGEST.matcher(digest).matches() ? digest : null;
  }

  @Override
  public ImageAnalysis find(String digest, Platform platform, ImageCheckSettings settings, ImageReference reference) {
    String name = objectName(digest);
    if (name == null) {
      return null;
    }
    StoredImageAnalysis stored;
    try {
      stored = client.resources(StoredImageAnalysis.class).withName(name).get();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read the stored analysis {}: {}; reading the image instead", name, e.getMessage());
      return null;
    }
    if (stored == null) {
      return null;
    }
    AnalysisCodec.Document document = usable(stored, digest);
    if (document == null) {
      return null;
    }
    if (!digest.equals(document.manifestDigest()) && platform != null
        && !platform.toString().equals(document.requestedPlatform())) {
      // An index resolved for another platform: not what this request would read.
      return null;
    }
    List<Finding> findings = document.findingsFor(settings, clock.instant());
    if (findings == null) {
      return null;
    }
    return document.toAnalysis(reference, findings);
  }

  @Override
  public void save(String digest, Platform platform, ImageCheckSettings settings, ImageAnalysis analysis) {
    String name = objectName(digest);
    if (name == null) {
      LOG.debug("not storing the analysis of {}: not a digest an object can be named after", digest);
      return;
    }
    AnalysisCodec.Document fresh = AnalysisCodec.Document.of(digest, platform, analysis, settings);
    try {
      for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
        if (writeOnce(name, digest, fresh)) {
          return;
        }
      }
      LOG.info("the stored analysis {} kept changing while being written; left as it is", name);
    } catch (KubernetesClientException e) {
      LOG.warn("cannot store the analysis of {} (it stays in memory only): {}", digest, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("cannot store the analysis of {} (it stays in memory only)", digest, e);
    }
  }

  /** One create-or-replace; false when another writer changed the object meanwhile (409). */
  private boolean writeOnce(String name, String digest, AnalysisCodec.Document fresh) {
    StoredImageAnalysis existing = client.resources(StoredImageAnalysis.class).withName(name).get();
    AnalysisCodec.Document document = fresh;
    if (existing != null) {
      Integer version = existing.getSpec() == null ? null : existing.getSpec().analyzerVersion;
      if (version != null && version > analyzerVersion) {
        // A newer operator (rolling upgrade) wrote it: do not downgrade it under its feet.
        return true;
      }
      AnalysisCodec.Document previous = version != null && version == analyzerVersion
          ? decodeQuietly(existing, digest) : null;
      if (previous != null && previous.manifestDigest().equals(fresh.manifestDigest())) {
        document = fresh.withFindingsOf(previous);
      }
    }
    AnalysisCodec.Encoded encoded = codec.encode(document);
    if (encoded == null) {
      LOG.warn("the analysis of {} is over the storage cap of {} characters even with shortened evidence;"
          + " it stays in memory only and is read from the registry again after a restart", digest,
          AnalysisCodec.DEFAULT_MAX_ENCODED_CHARS);
      return true;
    }
    StoredImageAnalysis object = new StoredImageAnalysis();
    // No unreferenced-since mark: a fresh write starts the retention clock anew.
    object.setMetadata(new ObjectMetaBuilder().withName(name)
        .withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion()).build());
    object.setSpec(spec(digest, document, encoded));
    try {
      if (existing == null) {
        client.resources(StoredImageAnalysis.class).resource(object).create();
      } else {
        client.resources(StoredImageAnalysis.class).resource(object).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  private StoredImageAnalysisSpec spec(String digest, AnalysisCodec.Document document, AnalysisCodec.Encoded encoded) {
    StoredImageAnalysisSpec spec = new StoredImageAnalysisSpec();
    spec.digest = digest;
    spec.analyzerVersion = analyzerVersion;
    spec.encoding = StoredImageAnalysisSpec.ENCODING;
    spec.data = encoded.data();
    spec.uncompressedBytes = encoded.uncompressedBytes();
    spec.storedBytes = (long) encoded.data().length();
    spec.partial = encoded.partial() ? Boolean.TRUE : null;
    if (document.inventory().os() != null) {
      spec.os = document.inventory().os().family() + " " + document.inventory().os().version();
    }
    spec.packages = document.inventory().packages().size();
    spec.applications = document.inventory().applications().size();
    return spec;
  }

  /** The document when the object is of this analyzer and readable; else null, said once in the log. */
  private AnalysisCodec.Document usable(StoredImageAnalysis stored, String digest) {
    StoredImageAnalysisSpec spec = stored.getSpec();
    if (spec == null || spec.analyzerVersion == null || spec.analyzerVersion != analyzerVersion) {
      LOG.info("the stored analysis {} is of analyzer version {}, this operator's is {}: reading the image again",
          stored.getMetadata().getName(), spec == null ? null : spec.analyzerVersion, analyzerVersion);
      return null;
    }
    return decodeQuietly(stored, digest);
  }

  private AnalysisCodec.Document decodeQuietly(StoredImageAnalysis stored, String digest) {
    StoredImageAnalysisSpec spec = stored.getSpec();
    String problem;
    try {
      if (!StoredImageAnalysisSpec.ENCODING.equals(spec.encoding)) {
        problem = "unknown encoding '" + spec.encoding + "'";
      } else if (!digest.equals(spec.digest)) {
        problem = "its spec names digest " + spec.digest;
      } else {
        return codec.decode(spec.data, digest);
      }
    } catch (AnalysisCodec.UnreadableException e) {
      problem = e.getMessage();
    }
    String key = stored.getMetadata().getName() + "@" + stored.getMetadata().getResourceVersion();
    if (warned.size() > MAX_WARNED) {
      warned.clear();
    }
    if (warned.add(key)) {
      LOG.warn("ignoring the stored analysis {} (resourceVersion {}): {}; the image is read again and the"
          + " object replaced", stored.getMetadata().getName(), stored.getMetadata().getResourceVersion(), problem);
    }
    return null;
  }
}
