package dev.vigil.scan;

import dev.vigil.api.Finding;
import dev.vigil.image.ImageConfig;
import dev.vigil.inventory.Inventory;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What reading one image found, before vulnerability matching and policy: the pieces that
 * depend only on the image's digest and the check settings.
 *
 * @param reference the reference that was scanned
 * @param manifestDigest digest of the platform image manifest (what a node runs)
 * @param indexDigest digest of the index it was chosen from, null when none
 * @param platform platform of the manifest
 * @param config the image config
 * @param inventory OS and packages
 * @param findings image-content check findings
 * @param layerDigests layer blob digests, base first
 * @param layersFromCache how many layers came from the layer cache
 * @param scannedAt when the scan finished
 * @param duration how long it took
 */
public record ImageAnalysis(
    ImageReference reference,
    String manifestDigest,
    String indexDigest,
    Platform platform,
    ImageConfig config,
    Inventory inventory,
    List<Finding> findings,
    List<String> layerDigests,
    int layersFromCache,
    Instant scannedAt,
    Duration duration) {

  public ImageAnalysis {
    findings = List.copyOf(findings);
    layerDigests = List.copyOf(layerDigests);
  }
}
