package dev.vigil.inventory;

import java.util.List;

/**
 * What an image has installed.
 *
 * @param os detected operating system, null when unknown
 * @param packages OS packages, in database order
 * @param applications language (application) packages, one per package and path
 * @param problems problems met while reading databases or package evidence (unsupported format,
 *     corrupt file, a cap reached), reported as findings, never silenced
 */
public record Inventory(
    OsInfo os,
    List<InstalledPackage> packages,
    List<ApplicationPackage> applications,
    List<String> problems) {

  public Inventory {
    packages = List.copyOf(packages);
    applications = List.copyOf(applications);
    problems = List.copyOf(problems);
  }

  /** An inventory of OS packages only. */
  public Inventory(OsInfo os, List<InstalledPackage> packages, List<String> problems) {
    this(os, packages, List.of(), problems);
  }
}
