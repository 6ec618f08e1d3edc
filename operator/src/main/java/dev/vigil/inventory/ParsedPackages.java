package dev.vigil.inventory;

import java.util.List;

/**
 * What one package database file yielded.
 *
 * @param packages installed packages in database order, without layer attribution
 * @param problems what could not be read (a skipped entry, an unreadable file), each a sentence
 *     naming the entry; empty when everything was read
 */
public record ParsedPackages(List<InstalledPackage> packages, List<String> problems) {

  public ParsedPackages {
    packages = List.copyOf(packages);
    problems = List.copyOf(problems);
  }

  /** A database that could not be read at all. */
  public static ParsedPackages unreadable(String problem) {
    return new ParsedPackages(List.of(), List.of(problem));
  }
}
