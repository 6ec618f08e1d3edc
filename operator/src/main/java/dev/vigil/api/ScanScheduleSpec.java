package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** Desired state of a ScanSchedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.schedule) != has(self.interval)",
    message = "exactly one of schedule or interval must be set")
@SchemaCustomizer(value = ListSets.class, input = "kinds")
public class ScanScheduleSpec {

  @Pattern("^\\S+( \\S+){4}$")
  @JsonPropertyDescription("Five-field cron expression, e.g. '0 */6 * * *'. Exactly one of schedule or interval.")
  public String schedule;

  @Pattern(ImagePolicySpec.DURATION_PATTERN)
  @JsonPropertyDescription("Fixed interval between runs, e.g. 6h. Exactly one of schedule or interval.")
  public String interval;

  @Default("UTC")
  @JsonPropertyDescription("IANA time zone the schedule is read in, e.g. Europe/Berlin.")
  public String timeZone = "UTC";

  @JsonPropertyDescription(
      "Label selector on namespaces. Honoured only in the operator's namespace; elsewhere a"
          + " schedule covers its own namespace.")
  public LabelSelector namespaceSelector;

  @JsonPropertyDescription("Label selector on workloads; empty = all.")
  public LabelSelector workloadSelector;

  @JsonPropertyDescription("Workload kinds to scan; bare Pods only when they have no owner. Empty = all.")
  public List<WorkloadKind> kinds = new ArrayList<>();

  @Default("false")
  @JsonPropertyDescription("When true no scheduled runs start; event-driven scans continue.")
  public Boolean suspend = false;
}
