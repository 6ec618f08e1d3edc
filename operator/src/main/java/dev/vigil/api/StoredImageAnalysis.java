package dev.vigil.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The durable, compact result of analysing one image digest (kind {@code ImageAnalysis}), shared
 * by every report and replica that meets the digest, so that a vulnerability-database refresh or
 * a restart re-matches without reading the image again. Cluster-scoped, named after the digest
 * ({@code sha256-<hex>}); written by Vigil only, and deleted by Vigil when no ImageReport has
 * referred to the digest for the retention period (a cluster-scoped object cannot be owned by
 * namespaced reports). The Java name differs from the kind because {@code
 * dev.vigil.scan.ImageAnalysis} is the in-memory form.
 */
@Group(ImagePolicy.GROUP)
@Version(ImagePolicy.VERSION)
@Kind(StoredImageAnalysis.KIND)
@Plural("imageanalyses")
@Singular("imageanalysis")
@ShortNames("imganl")
@AdditionalPrinterColumn(name = "Digest", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.digest")
@AdditionalPrinterColumn(name = "OS", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.os")
@AdditionalPrinterColumn(name = "Packages", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".spec.packages")
@AdditionalPrinterColumn(name = "Applications", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".spec.applications")
@AdditionalPrinterColumn(name = "Bytes", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".spec.storedBytes")
@AdditionalPrinterColumn(name = "Analyzer", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".spec.analyzerVersion")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class StoredImageAnalysis extends CustomResource<StoredImageAnalysisSpec, Void> {

  public static final String KIND = "ImageAnalysis";

  /**
   * Set by the garbage collector on an analysis no report refers to (RFC 3339 time it first saw
   * that); removed when a report refers to it again, and the object is deleted once it is older
   * than the retention period.
   */
  public static final String UNREFERENCED_SINCE = "vigil.dev/unreferenced-since";

  @Override
  protected StoredImageAnalysisSpec initSpec() {
    return new StoredImageAnalysisSpec();
  }
}
