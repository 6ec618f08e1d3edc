package dev.vigil.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

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

  /**
   * The entry a node of this platform would run: the exact platform if listed, else the best
   * platform it can still run (containerd's order); the first such entry on ties. Entries
   * without a platform (attestations, nested indexes without one) are never chosen.
   */
  public Optional<Descriptor> select(Platform platform) {
    Descriptor best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Descriptor entry : manifests) {
      if (entry.platform() == null) {
        continue;
      }
      int rank = platform.rank(entry.platform());
      if (rank >= 0 && rank < bestRank) {
        best = entry;
        bestRank = rank;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The platforms listed, for error messages ("linux/amd64, linux/arm64"). */
  public String platforms() {
    return manifests.stream()
        .map(d -> d.platform() == null ? "(none)" : d.platform().toString())
        .distinct()
        .collect(Collectors.joining(", "));
  }
}
