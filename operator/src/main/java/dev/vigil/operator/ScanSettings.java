package dev.vigil.operator;

import dev.vigil.inventory.app.LanguagePackages;
import dev.vigil.registry.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How the operator scans.
 *
 * @param vulnDb the --vulndb setting: "osv.dev", "none", a URL, a directory or a zip
 * @param vulnDbRefresh how often the vulnerability data is reloaded
 * @param dataDir where downloaded data is cached
 * @param platform the platform to pick from multi-platform images when no pod reports a digest
 * @param concurrency workloads processed at once
 * @param layerCacheBytes memory the layer cache may keep
 * @param insecureRegistries registries reached over plain HTTP
 * @param perVulnerabilityMetrics one metric series per vulnerability id (cardinality!)
 * @param scanner scanner name and version for reports
 * @param watchNamespaces namespaces whose workloads are watched; empty = every namespace
 * @param analysisCacheSize image analyses kept in memory in front of the stored ImageAnalyses
 * @param analysisRetention how long a stored ImageAnalysis no report refers to is kept
 * @param languagePackages the language-package readers scans run (null: the standard ones)
 */
public record ScanSettings(
    String vulnDb,
    Duration vulnDbRefresh,
    Path dataDir,
    Platform platform,
    int concurrency,
    long layerCacheBytes,
    Set<String> insecureRegistries,
    boolean perVulnerabilityMetrics,
    String scanner,
    Set<String> watchNamespaces,
    int analysisCacheSize,
    Duration analysisRetention,
    LanguagePackages languagePackages) {

  /** Analyses kept in memory unless configured. */
  public static final int DEFAULT_ANALYSIS_CACHE_SIZE = 2_000;

  /** Unreferenced stored analyses are kept this long unless configured. */
  public static final Duration DEFAULT_ANALYSIS_RETENTION = Duration.ofHours(24);

  public ScanSettings {
    watchNamespaces = watchNamespaces == null ? Set.of() : Set.copyOf(watchNamespaces);
    if (analysisCacheSize < 1) {
      throw new IllegalArgumentException("analysisCacheSize must be at least 1, got " + analysisCacheSize);
    }
    if (analysisRetention == null || analysisRetention.isNegative() || analysisRetention.isZero()) {
      throw new IllegalArgumentException("analysisRetention must be positive, got " + analysisRetention);
    }
    languagePackages = languagePackages == null ? LanguagePackages.standard() : languagePackages;
  }

  /** Settings with the default analysis cache size and retention and the standard readers. */
  public ScanSettings(String vulnDb, Duration vulnDbRefresh, Path dataDir, Platform platform, int concurrency,
      long layerCacheBytes, Set<String> insecureRegistries, boolean perVulnerabilityMetrics, String scanner,
      Set<String> watchNamespaces) {
    this(vulnDb, vulnDbRefresh, dataDir, platform, concurrency, layerCacheBytes, insecureRegistries,
        perVulnerabilityMetrics, scanner, watchNamespaces, DEFAULT_ANALYSIS_CACHE_SIZE, DEFAULT_ANALYSIS_RETENTION,
        null);
  }

  /** These settings with another in-memory analysis cache size and stored-analysis retention. */
  public ScanSettings withAnalyses(int cacheSize, Duration retention) {
    return new ScanSettings(vulnDb, vulnDbRefresh, dataDir, platform, concurrency, layerCacheBytes,
        insecureRegistries, perVulnerabilityMetrics, scanner, watchNamespaces, cacheSize, retention,
        languagePackages);
  }

  /** These settings with other language-package readers. */
  public ScanSettings withLanguagePackages(LanguagePackages readers) {
    return new ScanSettings(vulnDb, vulnDbRefresh, dataDir, platform, concurrency, layerCacheBytes,
        insecureRegistries, perVulnerabilityMetrics, scanner, watchNamespaces, analysisCacheSize,
        analysisRetention, readers);
  }
}
