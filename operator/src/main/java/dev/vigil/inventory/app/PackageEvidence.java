package dev.vigil.inventory.app;

import dev.vigil.inventory.ApplicationPackage;
import java.util.List;

/**
 * What one file said about language packages.
 *
 * @param packages the packages found, in the order the file lists them
 * @param problems sentences about what could not be read (malformed, truncated, a cap reached),
 *     each starting with the path it concerns; they end up as inventory problems
 */
public record PackageEvidence(List<ApplicationPackage> packages, List<String> problems) {

  public static final PackageEvidence NONE = new PackageEvidence(List.of(), List.of());

  public PackageEvidence {
    packages = List.copyOf(packages);
    problems = List.copyOf(problems);
  }
}
