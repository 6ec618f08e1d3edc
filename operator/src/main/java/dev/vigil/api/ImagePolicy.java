package dev.vigil.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;

/** What a good image is for a set of workloads, and what Vigil may do about it. */
@Group(ImagePolicy.GROUP)
@Version(ImagePolicy.VERSION)
@ShortNames("ipol")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Workloads", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.matchedWorkloads")
@AdditionalPrinterColumn(name = "FailOn", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.vulnerabilities.failOn")
@AdditionalPrinterColumn(name = "Signatures", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.signatures.mode")
@AdditionalPrinterColumn(name = "Updates", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.updates.mode")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class ImagePolicy extends CustomResource<ImagePolicySpec, ImagePolicyStatus>
    implements Namespaced {

  public static final String GROUP = "vigil.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  protected ImagePolicySpec initSpec() {
    return new ImagePolicySpec();
  }
}
