package dev.vigil.api;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;

/**
 * Build-time only: makes {@code status.conditions} a list map keyed by {@code type}, as every
 * Kubernetes API declares metav1.Condition lists: the API server rejects two conditions of one
 * type (which {@code kubectl wait --for=condition=...} and the Ready printer column could not
 * tell apart), and server-side apply merges conditions by type, so another field manager's
 * condition survives the operator's status apply. Used through
 * {@code @SchemaCustomizer(value = ConditionsByType.class, input = "conditions")} on each status
 * class (customizers are not inherited).
 */
public final class ConditionsByType implements SchemaCustomizer.Customizer {

  @Override
  public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
    String property = input.trim();
    JSONSchemaProps list = schema.getProperties() == null ? null : schema.getProperties().get(property);
    if (list == null || !"array".equals(list.getType())) {
      throw new IllegalArgumentException("ConditionsByType: no list property " + property);
    }
    JSONSchemaProps items = list.getItems().getSchema();
    if (items.getProperties() == null || !items.getProperties().containsKey("type")) {
      throw new IllegalArgumentException("ConditionsByType: items of " + property + " have no type");
    }
    // List-map keys must be required (or defaulted); Conditions.set always sets type.
    List<String> required = new ArrayList<>(items.getRequired() == null ? List.of() : items.getRequired());
    if (!required.contains("type")) {
      required.add("type");
    }
    items.setRequired(required);
    list.setXKubernetesListType("map");
    list.setXKubernetesListMapKeys(List.of("type"));
    return schema;
  }
}
