package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of an ImagePolicy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImagePolicyStatus extends VigilStatus {

  @JsonPropertyDescription("How many workloads this policy currently selects.")
  public Integer matchedWorkloads;
}
