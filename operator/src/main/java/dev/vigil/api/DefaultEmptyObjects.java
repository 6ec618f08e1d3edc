package dev.vigil.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Build-time only: gives object properties of the annotated class {@code default: {}}. The API
 * server applies a field's default only inside an object that is present; with the parent
 * defaulted to {@code {}} the server fills in the nested defaults too, so what is stored (and
 * shown by kubectl, printer columns included) is what the operator acts on. Used through
 * {@code @SchemaCustomizer(value = DefaultEmptyObjects.class, input = "property1,property2")}.
 * (fabric8's {@code @Default("{}")} would copy every nested default into the parent's default
 * instead.)
 */
public final class DefaultEmptyObjects implements SchemaCustomizer.Customizer {

  @Override
  public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
    for (String property : input.trim().split("\\s*,\\s*")) {
      JSONSchemaProps object = schema.getProperties() == null ? null : schema.getProperties().get(property);
      if (object == null || !"object".equals(object.getType()) || object.getProperties() == null) {
        throw new IllegalArgumentException("DefaultEmptyObjects: no object property " + property);
      }
      object.setDefault(JsonNodeFactory.instance.objectNode());
    }
    return schema;
  }
}
