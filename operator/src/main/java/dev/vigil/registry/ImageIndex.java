package dev.vigil.registry;

import java.util.List;
import java.util.Map;

/**
 * A parsed OCI image index or Docker manifest list.
 *
 * @param mediaType the index's media type
 * @param manifests the entries, in document order
 * @param subject the manifest this one refers to (OCI 1.1), or null
 * @param annotations annotations, never null
 */
public record ImageIndex(
    String mediaType, List<Descriptor> manifests, Descriptor subject, Map<String, String> annotations) {

  public ImageIndex {
    manifests = List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
