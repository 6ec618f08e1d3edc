package dev.vigil.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.Inventory;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path scans take (ScanService and vigil scan call match(inventory)) matches the inventory's
 * language packages, not only its OS packages.
 */
class InventoryApplicationsMatchTest {

  @TempDir Path dataDir;

  @Test
  void matchingAnInventoryMatchesItsApplicationsWithTheirPathsAndLayers() throws Exception {
    Path records = Path.of(getClass().getResource("/appseam/osv").toURI());
    VulnerabilityFeed feed = VulnerabilityFeed.forSpec(records.toString(), dataDir, Clock.systemUTC());
    Inventory inventory = new Inventory(null, List.of(), List.of(
        new ApplicationPackage("npm", "lodash", "4.17.20", "/app/node_modules/lodash/package.json", "sha256:l1"),
        new ApplicationPackage("npm", "lodash", "4.17.21", "/srv/node_modules/lodash/package.json", "sha256:l1"),
        new ApplicationPackage("npm", "lodash-es", "4.17.4", "/app/node_modules/lodash-es/package.json", "sha256:l2")),
        List.of());

    List<VulnerabilityMatch> matches = feed.match(inventory).matches();
    assertEquals(List.of(
            "CVE-2021-23337 lodash 4.17.20 /app/node_modules/lodash/package.json sha256:l1",
            "CVE-2021-23337 lodash-es 4.17.4 /app/node_modules/lodash-es/package.json sha256:l2"),
        matches.stream().map(m -> m.id() + " " + m.packageName() + " " + m.installedVersion() + " " + m.path()
            + " " + m.layerDigest()).toList());
  }
}
