package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What every Vigil status carries: the generation it describes and its conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class VigilStatus {

  @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription(
      "Conditions in the Kubernetes metav1.Condition shape; reasons are CamelCase constants.")
  public List<Condition> conditions = new ArrayList<>();
}
