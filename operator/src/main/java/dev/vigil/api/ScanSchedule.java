package dev.vigil.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** When and where Vigil scans. */
@Group(ImagePolicy.GROUP)
@Version(ImagePolicy.VERSION)
@ShortNames("ssched")
@AdditionalPrinterColumn(name = "Schedule", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.schedule")
@AdditionalPrinterColumn(name = "Interval", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.interval")
@AdditionalPrinterColumn(name = "Suspend", type = AdditionalPrinterColumn.Type.BOOLEAN,
    jsonPath = ".spec.suspend")
@AdditionalPrinterColumn(name = "Last", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".status.lastScheduleTime")
@AdditionalPrinterColumn(name = "Next", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.nextScheduleTime")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
public class ScanSchedule extends CustomResource<ScanScheduleSpec, ScanScheduleStatus>
    implements Namespaced {

  @Override
  protected ScanScheduleSpec initSpec() {
    return new ScanScheduleSpec();
  }
}
