package dev.vigil.registry;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a manifest or index says about a blob or manifest it
 * points to.
 *
 * @param mediaType media type of the target
 * @param digest digest of the target ("sha256:...")
 * @param size size of the target in bytes
 * @param platform platform of an index entry; null elsewhere or when the entry names none
 * @param artifactType artifact type of the target (referrers), may be null
 * @param annotations annotations, never null
 * @param urls alternative download locations (foreign layers), never null
 */
public record Descriptor(
    String mediaType,
    String digest,
    long size,
    Platform platform,
    String artifactType,
    Map<String, String> annotations,
    List<String> urls) {

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    urls = urls == null ? List.of() : List.copyOf(urls);
  }

  /** A descriptor with only media type, digest and size. */
  public static Descriptor of(String mediaType, String digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, Map.of(), List.of());
  }
}
