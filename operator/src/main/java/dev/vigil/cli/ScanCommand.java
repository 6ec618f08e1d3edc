package dev.vigil.cli;

import dev.vigil.api.Finding;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.image.LayerFactsCache;
import dev.vigil.image.LayerWalker;
import dev.vigil.image.checks.ImageChecks;
import dev.vigil.inventory.InventoryAnalyzer;
import dev.vigil.inventory.app.LanguagePackages;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryClient;
import dev.vigil.scan.CheckSettingsMerger;
import dev.vigil.scan.Compliance;
import dev.vigil.scan.ComplianceEvaluator;
import dev.vigil.scan.ImageAnalysis;
import dev.vigil.scan.ImageAnalyzer;
import dev.vigil.scan.InventoryFindings;
import dev.vigil.scan.NamedPolicy;
import dev.vigil.scan.ReportStatusBuilder;
import dev.vigil.scan.ScanException;
import dev.vigil.scan.ScanService;
import dev.vigil.scan.VulnerabilityFeed;
import dev.vigil.scan.VulnDbInfo;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Scans images straight from their registries and prints ImageReport statuses. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    versionProvider = VigilVersion.class,
    description = "Scan images straight from their registries and print an ImageReport status per"
        + " image, exactly as the operator would write it. Exit codes: 0 passed, 1 findings reach"
        + " --fail-on or an image breaks a --policy, 2 usage error, 3 an image could not be scanned.")
public class ScanCommand implements Callable<Integer> {

  public static final int EXIT_FAILED_GATE = 1;
  public static final int EXIT_SCAN_ERROR = 3;

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image references, e.g. nginx:1.27 or ghcr.io/acme/app@sha256:...")
  List<String> images;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "ImagePolicy manifest(s) to judge the images by (repeatable). Key material must be inline (key.data).")
  List<Path> policyFiles = new ArrayList<>();

  @picocli.CommandLine.Mixin RegistryOptions registryOptions;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "Output format: table, yaml, json, sarif, or cyclonedx (a CycloneDX 1.6 JSON SBOM of one image) (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(names = "--fail-on", defaultValue = "None",
      description = "Exit 1 when a vulnerability or finding reaches this severity: Critical, High, Medium, Low or None (default: ${DEFAULT-VALUE}).")
  SeverityThreshold failOn;

  @Option(names = "--vulndb", defaultValue = "osv.dev", paramLabel = "SOURCE",
      description = "OSV data: 'osv.dev' (download the ecosystems seen, cached), a directory of OSV JSON, an all.zip, an http(s) URL of a zip, oci://REGISTRY/REPO:TAG (an OCI artifact of OSV zips), or 'none' (default: ${DEFAULT-VALUE}).")
  String vulnDb;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Cache for downloaded vulnerability data (default: ~/.cache/vigil).")
  Path dataDir;

  @Option(names = "--max-vulnerabilities", defaultValue = "" + ReportStatusBuilder.DEFAULT_MAX_VULNERABILITIES,
      description = "Cap on listed vulnerabilities per image; counts stay complete (default: ${DEFAULT-VALUE}).")
  int maxVulnerabilities;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  /** The language-package readers; tests put in their own. */
  LanguagePackages languagePackages = LanguagePackages.standard();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output == OutputFormat.cyclonedx && images.size() > 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "-o cyclonedx describes one image; scan one image per run (" + images.size() + " given)");
    }
    Clock clock = Clock.systemUTC();
    List<NamedPolicy> policies = PolicyFiles.load(policyFiles, spec.commandLine());
    Platform wanted = registryOptions.platform(spec.commandLine());
    RegistryClient registry = registryOptions.client(spec.commandLine());
    // Layers of an image are read concurrently, one per core (each read decompresses on a second
    // thread, so a core is never idle while another waits for the network), at least two, at
    // most eight: each read holds about 1.5 MiB of buffers besides the facts it collects.
    int readers = Math.min(8, Math.max(2, Runtime.getRuntime().availableProcessors()));
    ExecutorService layerReaders = Executors.newFixedThreadPool(readers, r -> {
      Thread t = new Thread(r, "vigil-layer");
      t.setDaemon(true);
      return t;
    });
    try {
      LayerFactsCache cache = new LayerFactsCache(new LayerWalker(), 512L * 1024 * 1024);
      ImageAnalyzer analyzer = new ImageAnalyzer(cache, new InventoryAnalyzer(clock, languagePackages), new ImageChecks(),
          layerReaders, clock);
      VulnerabilityFeed vulns;
      try {
        vulns = VulnerabilityFeed.forSpec(vulnDb,
            dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".cache", "vigil"), clock,
            registry);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vulndb " + e.getMessage());
      }
      ScanSignatures signatures = new ScanSignatures(registry, clock, spec.commandLine());
      ReportStatusBuilder builder = new ReportStatusBuilder("vigil/" + VigilVersion.version(), maxVulnerabilities, clock);
      List<ScanOutput.Result> results = new ArrayList<>();
      String sbom = null;
      boolean scanFailed = false;
      for (String image : images) {
        ImageReference ref;
        try {
          ref = ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
          err.println("vigil: " + image + ": " + e.getMessage());
          scanFailed = true;
          continue;
        }
        try {
          ImageAnalysis analysis = analyzer.analyze(registry, ref, wanted,
              CheckSettingsMerger.merge(policies), quiet ? dev.vigil.scan.ScanProgress.NONE : new StderrProgress(err));
          ScanService.VulnerabilityData.Matched matched = vulns.match(analysis.inventory());
          ImageReportStatus.SignatureInfo signature = signatures.verify(policies, ref, analysis.manifestDigest());
          List<Finding> extra = InventoryFindings.from(analysis.inventory());
          List<Finding> all = new ArrayList<>(analysis.findings());
          all.addAll(extra);
          Compliance compliance = ComplianceEvaluator.evaluate(policies, matched.matches(), all, signature,
              LocalDate.now(clock.withZone(ZoneOffset.UTC)));
          VulnDbInfo dbInfo = matched.db();
          ImageReportStatus status = builder.build(image, analysis, dbInfo, extra, signature, compliance, null);
          results.add(new ScanOutput.Result(image, status, gateFails(status, compliance, !policies.isEmpty())));
          if (output == OutputFormat.cyclonedx) {
            // Named only here, so that other outputs never load the CycloneDX library (cold start).
            sbom = dev.vigil.sbom.CycloneDxSbom.json(analysis, matched.matches(), dbInfo, VigilVersion.version());
          }
        } catch (ScanException e) {
          err.println("vigil: " + image + ": " + e.getMessage());
          scanFailed = true;
        }
      }
      if (output == OutputFormat.cyclonedx) {
        if (sbom != null) {
          out.println(sbom);
        }
      } else {
        ScanOutput.write(output, results, out);
      }
      out.flush();
      if (scanFailed) {
        return EXIT_SCAN_ERROR;
      }
      return results.stream().anyMatch(ScanOutput.Result::failed) ? EXIT_FAILED_GATE : 0;
    } finally {
      layerReaders.shutdownNow();
    }
  }

  private boolean gateFails(ImageReportStatus status, Compliance compliance, boolean hasPolicy) {
    if (hasPolicy && !compliance.compliant()) {
      return true;
    }
    boolean vulnerable = compliance.counted().stream().map(VulnerabilityMatch::severity).anyMatch(failOn::isReachedBy);
    boolean finding = status.findings.stream().map(Finding::getSeverity).anyMatch(failOn::isReachedBy);
    return vulnerable || finding;
  }

  /** Output formats. */
  enum OutputFormat {
    table,
    yaml,
    json,
    sarif,
    cyclonedx
  }
}
