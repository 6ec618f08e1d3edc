package dev.vigil.api;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Set;

/**
 * Build-time only: marks scalar list properties of the annotated class as
 * {@code x-kubernetes-list-type: set}, so the API server rejects duplicate items ({@code Duplicate
 * value}) and server-side apply merges items by value, letting several field managers each own
 * some of them. Used through
 * {@code @SchemaCustomizer(value = ListSets.class, input = "property1,property2")}.
 */
public final class ListSets implements SchemaCustomizer.Customizer {

  private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean");

  @Override
  public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
    for (String property : input.trim().split("\\s*,\\s*")) {
      JSONSchemaProps list = schema.getProperties() == null ? null : schema.getProperties().get(property);
      if (list == null || !"array".equals(list.getType())) {
        throw new IllegalArgumentException("ListSets: no list property " + property);
      }
      if (!SCALARS.contains(list.getItems().getSchema().getType())) {
        // The API server accepts list-type set only for scalar items.
        throw new IllegalArgumentException("ListSets: items of " + property + " are not scalars");
      }
      list.setXKubernetesListType("set");
    }
    return schema;
  }
}
