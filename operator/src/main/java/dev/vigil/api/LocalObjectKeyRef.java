package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret or ConfigMap in the same namespace as the object that names it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalObjectKeyRef {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Secret or ConfigMap, in the same namespace.")
  public String name;

  @Required
  @Pattern("^[-._a-zA-Z0-9]{1,253}$")
  @JsonPropertyDescription("Key inside the object's data.")
  public String key;

  public LocalObjectKeyRef() {}

  public LocalObjectKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
