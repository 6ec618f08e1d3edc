package dev.vigil.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What Vigil found about the image one workload container runs. Written by Vigil only (it has
 * no spec), owned by the workload so it is garbage-collected with it.
 */
@Group(ImagePolicy.GROUP)
@Version(ImagePolicy.VERSION)
@ShortNames("imgrep")
@AdditionalPrinterColumn(name = "Image", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.image.reference")
@AdditionalPrinterColumn(name = "Digest", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.image.shortDigest")
@AdditionalPrinterColumn(name = "Critical", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.summary.critical")
@AdditionalPrinterColumn(name = "High", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.summary.high")
@AdditionalPrinterColumn(name = "Signed", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.signature.status")
@AdditionalPrinterColumn(name = "Compliant", type = AdditionalPrinterColumn.Type.BOOLEAN,
    jsonPath = ".status.compliance.compliant")
@AdditionalPrinterColumn(name = "Update", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.update.state")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class ImageReport extends CustomResource<Void, ImageReportStatus> implements Namespaced {

  public static final String LABEL_WORKLOAD_KIND = "vigil.dev/workload-kind";
  public static final String LABEL_WORKLOAD_NAME = "vigil.dev/workload-name";
  public static final String LABEL_CONTAINER = "vigil.dev/container";
}
