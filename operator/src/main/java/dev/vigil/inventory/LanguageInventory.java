package dev.vigil.inventory;

import dev.vigil.image.CapturedFile;
import dev.vigil.image.EntryReading;
import dev.vigil.image.ImageFiles;
import dev.vigil.inventory.app.LanguagePackages;
import dev.vigil.inventory.app.PackageEvidence;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The language packages of an image, from what the readers found in the files of the final view
 * ({@link ImageFiles#readings()}: a file a later layer deleted, hid or replaced is not there):
 * each package keeps the path its reader gave (inner archive paths included) and gets the layer
 * that wrote its file; packages read from files the OS package manager owns ({@link
 * OsOwnedFiles}) are left out. A reader's failure on a file, and the problems it reported, become
 * inventory problems.
 */
final class LanguageInventory {

  private LanguageInventory() {}

  static List<ApplicationPackage> collect(
      ImageFiles files, LanguagePackages languages, CapturedFile rpmDatabase,
      List<String> problems) {
    List<EntryReading> readings = new ArrayList<>();
    Set<String> evidencePaths = new LinkedHashSet<>();
    for (EntryReading reading : files.readings()) {
      if (!languages.isOurs(reading)) {
        continue;
      }
      readings.add(reading);
      if (reading.failure() != null) {
        problems.add("/" + reading.path() + ": " + LanguagePackages.readerName(reading)
            + " could not read it: " + reading.failure());
        continue;
      }
      Optional<PackageEvidence> evidence = languages.evidence(reading);
      if (evidence.isPresent()) {
        List<String> found = evidence.get().problems();
        for (int i = 0; i < found.size(); i++) {
          if (i == InventoryAnalyzer.MAX_PROBLEMS_PER_FILE) {
            problems.add("/" + reading.path() + ": " + (found.size() - i)
                + " more problems not listed");
            break;
          }
          problems.add(found.get(i));
        }
        if (!evidence.get().packages().isEmpty()) {
          evidencePaths.add(reading.path());
        }
      }
    }
    Set<String> owned = OsOwnedFiles.owned(files, evidencePaths, rpmDatabase, problems);
    List<ApplicationPackage> packages = new ArrayList<>();
    for (EntryReading reading : readings) {
      if (owned.contains(reading.path())) {
        continue;
      }
      Optional<PackageEvidence> evidence = languages.evidence(reading);
      if (evidence.isEmpty()) {
        continue;
      }
      for (ApplicationPackage pkg : evidence.get().packages()) {
        packages.add(new ApplicationPackage(
            pkg.ecosystem(),
            pkg.name(),
            pkg.version(),
            pkg.path() == null || pkg.path().isBlank() ? "/" + reading.path() : pkg.path(),
            reading.layerDigest()));
      }
    }
    return List.copyOf(packages);
  }
}
