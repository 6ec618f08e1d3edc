package dev.vigil.registry;

import java.util.List;
import java.util.Map;

/**
 * A parsed OCI image manifest or Docker v2 schema 2 manifest.
 *
 * @param mediaType the manifest's media type
 * @param config the config blob's descriptor
 * @param layers the layer blobs, base first
 * @param subject the manifest this one refers to (OCI 1.1), or null
 * @param artifactType artifact type (OCI 1.1), or null
 * @param annotations annotations, never null
 */
public record ImageManifest(
    String mediaType,
    Descriptor config,
    List<Descriptor> layers,
    Descriptor subject,
    String artifactType,
    Map<String, String> annotations) {

  public ImageManifest {
    layers = List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
