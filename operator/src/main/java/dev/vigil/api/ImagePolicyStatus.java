package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;

/** Observed state of an ImagePolicy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionsByType.class, input = "conditions")
public class ImagePolicyStatus extends VigilStatus {

  @JsonPropertyDescription("How many workloads this policy currently selects.")
  public Integer matchedWorkloads;
}
