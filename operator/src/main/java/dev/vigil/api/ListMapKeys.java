package dev.vigil.api;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Build-time only: marks a list property of the annotated class as
 * {@code x-kubernetes-list-type: map} keyed by the given fields, so the API server enforces unique
 * keys and server-side apply merges items by key. Used through
 * {@code @SchemaCustomizer(value = ListMapKeys.class, input = "property=key1,key2")}; fabric8's
 * generator has no annotation for list types.
 */
public final class ListMapKeys implements SchemaCustomizer.Customizer {

  @Override
  public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
    String[] parts = input.split("=", 2);
    if (parts.length != 2 || parts[1].isBlank()) {
      throw new IllegalArgumentException("ListMapKeys input must be property=key1,key2, not " + input);
    }
    JSONSchemaProps list = schema.getProperties() == null ? null : schema.getProperties().get(parts[0].trim());
    if (list == null || !"array".equals(list.getType())) {
      throw new IllegalArgumentException("ListMapKeys: no list property " + parts[0]);
    }
    List<String> keys = List.of(parts[1].trim().split("\\s*,\\s*"));
    for (String key : keys) {
      JSONSchemaProps items = list.getItems().getSchema();
      if (items.getRequired() == null || !items.getRequired().contains(key)) {
        // The API server requires list-map keys to be required or defaulted.
        throw new IllegalArgumentException("ListMapKeys: key " + key + " of " + parts[0] + " is not required");
      }
    }
    list.setXKubernetesListType("map");
    list.setXKubernetesListMapKeys(keys);
    return schema;
  }
}
