package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;

/** Observed state of a ScanSchedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionsByType.class, input = "conditions")
public class ScanScheduleStatus extends VigilStatus {

  @JsonPropertyDescription("When the last scheduled run was due (RFC 3339).")
  public String lastScheduleTime;

  @JsonPropertyDescription("When the next scheduled run is due (RFC 3339); absent when suspended or invalid.")
  public String nextScheduleTime;

  @JsonPropertyDescription("Figures of the last completed run.")
  public LastRun lastRun;

  /** What the last run did. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LastRun {
    @JsonPropertyDescription("When the run started (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("When the run completed (RFC 3339).")
    public String completionTime;

    @JsonPropertyDescription("Workloads in scope.")
    public Integer workloads;

    @JsonPropertyDescription("Distinct image digests in scope.")
    public Integer images;

    @JsonPropertyDescription("Images scanned in this run.")
    public Integer scanned;

    @JsonPropertyDescription("Images whose results came from the cache.")
    public Integer fromCache;

    @JsonPropertyDescription("Images whose scan failed.")
    public Integer failed;
  }
}
