package dev.vigil.scan;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.inventory.Inventory;
import java.util.List;

/**
 * Package databases and language-package evidence that could not be read are a finding, never
 * silence: without them the image's vulnerabilities are unknown, which is not the same as none.
 */
public final class InventoryFindings {

  public static final String ID = "VIG-IMG-018";

  private InventoryFindings() {}

  public static List<Finding> from(Inventory inventory) {
    if (inventory.problems().isEmpty()) {
      return List.of();
    }
    return List.of(new Finding(ID, Finding.Category.Image, Severity.Medium,
        "package database or package evidence could not be read; vulnerabilities in those packages"
            + " are unknown",
        inventory.problems().stream().limit(50).toList(),
        "Rebuild on a base whose package database Vigil reads (dpkg, apk, rpm SQLite/BerkeleyDB/ndb);"
            + " for a language package file named in the evidence, check that it is intact, or report"
            + " the file so support can be added."));
  }
}
