package dev.vigil.scan;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.app.JavaArchiveReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Package databases and language-package evidence that could not be read are a finding, never
 * silence: without them the image's vulnerabilities are unknown, which is not the same as none.
 * Java archives that carry no Maven coordinates are readable but cannot be identified offline
 * (Gradle and Ant builds often write none); they are a finding of their own, of low severity, so
 * that an image of ordinary jars is not marked as having unreadable files.
 */
public final class InventoryFindings {

  public static final String ID = "VIG-IMG-018";

  public static final String UNIDENTIFIED_ARCHIVES_ID = "VIG-IMG-019";

  private static final int MAX_EVIDENCE = 50;

  private InventoryFindings() {}

  public static List<Finding> from(Inventory inventory) {
    List<String> unreadable = new ArrayList<>();
    List<String> unidentified = new ArrayList<>();
    for (String problem : inventory.problems()) {
      (problem.contains(JavaArchiveReader.NO_COORDINATES) ? unidentified : unreadable).add(problem);
    }
    List<Finding> findings = new ArrayList<>(2);
    if (!unreadable.isEmpty()) {
      findings.add(new Finding(ID, Finding.Category.Image, Severity.Medium,
          "package database or package evidence could not be read; vulnerabilities in those packages"
              + " are unknown",
          evidence(unreadable),
          "Rebuild on a base whose package database Vigil reads (dpkg, apk, rpm SQLite/BerkeleyDB/ndb);"
              + " for a language package file named in the evidence, check that it is intact, or report"
              + " the file so support can be added."));
    }
    if (!unidentified.isEmpty()) {
      findings.add(new Finding(UNIDENTIFIED_ARCHIVES_ID, Finding.Category.Image, Severity.Low,
          unidentified.size() + " Java archive" + (unidentified.size() == 1 ? " carries" : "s carry")
              + " no Maven coordinates; vulnerabilities in them are not matched",
          evidence(unidentified),
          "Build the archive with its META-INF/maven pom.properties (Maven does by default; Gradle's"
              + " maven-publish does not put it in the jar), or use the published artifact rather than"
              + " a repackaged copy."));
    }
    return findings;
  }

  private static List<String> evidence(List<String> lines) {
    if (lines.size() <= MAX_EVIDENCE) {
      return List.copyOf(lines);
    }
    List<String> kept = new ArrayList<>(lines.subList(0, MAX_EVIDENCE - 1));
    kept.add((lines.size() - kept.size()) + " more not listed");
    return kept;
  }
}
