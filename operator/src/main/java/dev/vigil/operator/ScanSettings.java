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
    LanguagePackages languagePackages) {

  public ScanSettings {
    watchNamespaces = watchNamespaces == null ? Set.of() : Set.copyOf(watchNamespaces);
    languagePackages = languagePackages == null ? LanguagePackages.standard() : languagePackages;
  }

  /** Settings with the standard language-package readers. */
  public ScanSettings(String vulnDb, Duration vulnDbRefresh, Path dataDir, Platform platform,
      int concurrency, long layerCacheBytes, Set<String> insecureRegistries,
      boolean perVulnerabilityMetrics, String scanner, Set<String> watchNamespaces) {
    this(vulnDb, vulnDbRefresh, dataDir, platform, concurrency, layerCacheBytes, insecureRegistries,
        perVulnerabilityMetrics, scanner, watchNamespaces, null);
  }

  /** These settings with other language-package readers. */
  public ScanSettings withLanguagePackages(LanguagePackages readers) {
    return new ScanSettings(vulnDb, vulnDbRefresh, dataDir, platform, concurrency, layerCacheBytes,
        insecureRegistries, perVulnerabilityMetrics, scanner, watchNamespaces, readers);
  }
}
