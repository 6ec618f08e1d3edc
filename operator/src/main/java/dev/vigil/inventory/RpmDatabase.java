package dev.vigil.inventory;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an rpm package database in any of rpm's three on-disk formats, told apart by their magic
 * bytes: SQLite ({@code rpmdb.sqlite}), ndb ({@code Packages.db}) and BerkeleyDB hash ({@code
 * Packages}).
 *
 * <p>Versions are {@code [epoch:]version-release} with the epoch written only when the header has
 * one and it is not 0: rpm compares a missing epoch as 0, and the OSV RPM-based ecosystems (Red
 * Hat, AlmaLinux, Rocky, SUSE, Mariner) write versions without a zero epoch. The source package is
 * the name in SOURCERPM ({@code name-version-release.src.rpm}); its version is that version-release
 * with the binary's epoch (a source rpm file name carries none; binary and source share it).
 * gpg-pubkey entries are imported signing keys that rpm stores as pseudo packages; they are not
 * software and are left out.
 */
public final class RpmDatabase {

  private RpmDatabase() {}

  public static ParsedPackages parse(byte[] content) {
    List<byte[]> blobs;
    try {
      if (RpmSqlite.looksLike(content)) {
        blobs = RpmSqlite.headerBlobs(content);
      } else if (RpmNdb.looksLike(content)) {
        blobs = RpmNdb.headerBlobs(content);
      } else if (RpmBerkeleyDb.looksLike(content)) {
        blobs = RpmBerkeleyDb.headerBlobs(content);
      } else {
        return ParsedPackages.unreadable(
            "not a known rpm database format (neither SQLite, ndb nor BerkeleyDB)");
      }
    } catch (MalformedDatabaseException | UncheckedIOException e) {
      return ParsedPackages.unreadable(e.getMessage());
    }
    List<InstalledPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < blobs.size(); i++) {
      RpmHeader header;
      try {
        header = RpmHeader.parse(blobs.get(i));
      } catch (MalformedDatabaseException e) {
        problems.add("header " + (i + 1) + ": " + e.getMessage() + "; skipped");
        continue;
      }
      if (header.name().equals("gpg-pubkey")) {
        continue;
      }
      packages.add(toPackage(header, problems));
    }
    return new ParsedPackages(packages, problems);
  }

  /**
   * The absolute paths of every file the database's packages install, for telling OS-owned
   * files from others. A header whose file list cannot be read adds a problem and no paths.
   */
  public static List<String> filePaths(byte[] content, List<String> problems) {
    List<byte[]> blobs;
    try {
      if (RpmSqlite.looksLike(content)) {
        blobs = RpmSqlite.headerBlobs(content);
      } else if (RpmNdb.looksLike(content)) {
        blobs = RpmNdb.headerBlobs(content);
      } else if (RpmBerkeleyDb.looksLike(content)) {
        blobs = RpmBerkeleyDb.headerBlobs(content);
      } else {
        return List.of();
      }
    } catch (MalformedDatabaseException | UncheckedIOException e) {
      return List.of();
    }
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < blobs.size(); i++) {
      try {
        paths.addAll(RpmHeader.filePaths(blobs.get(i)));
      } catch (MalformedDatabaseException e) {
        problems.add("header " + (i + 1) + ": file list unreadable: " + e.getMessage());
      }
    }
    return paths;
  }

  private static InstalledPackage toPackage(RpmHeader header, List<String> problems) {
    String epochPrefix = header.epoch() == null || header.epoch() == 0 ? "" : header.epoch() + ":";
    String version = epochPrefix + header.version() + "-" + header.release();
    String sourceName = header.name();
    String sourceVersion = version;
    if (header.sourceRpm() != null) {
      Optional<SourceRpm> source = SourceRpm.parse(header.sourceRpm());
      if (source.isPresent()) {
        sourceName = source.get().name();
        sourceVersion = epochPrefix + source.get().version() + "-" + source.get().release();
      } else {
        problems.add(
            header.name()
                + ": SOURCERPM '"
                + header.sourceRpm()
                + "' is not name-version-release.src.rpm; source taken as the package itself");
      }
    }
    return new InstalledPackage(
        "rpm", header.name(), version, sourceName, sourceVersion, header.arch(), null);
  }
}
