package dev.vigil.inventory;

import dev.vigil.image.CapturedFile;
import dev.vigil.image.ContentSelector;
import dev.vigil.image.EntryReader;
import dev.vigil.image.ImageFiles;
import dev.vigil.inventory.app.LanguagePackages;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds an image's {@link Inventory}: the OS from its release files and the OS packages from every
 * package database in the final file view (dpkg status and status.d, apk installed, one rpm
 * database or else the CBL-Mariner distroless rpm manifest), each package attributed to the layer
 * that introduced it at its version.
 *
 * <p>Databases are read from the final view, so a database an upper layer rewrote or deleted
 * replaces the lower one by construction. Anything that cannot be read (corrupt, unsupported or
 * over the capture limit) becomes a problem sentence starting with the file's path; the rest of the
 * inventory is still returned.
 *
 * <p>Language packages come from the {@link LanguagePackages} readers, which the layer walk runs
 * over the files they want ({@link #entryReaders()}); {@link LanguageInventory} keeps those of
 * the final view that the OS package manager does not own.
 */
public final class InventoryAnalyzer {

  public static final String DPKG_STATUS = "var/lib/dpkg/status";
  public static final String DPKG_STATUS_D = "var/lib/dpkg/status.d";
  public static final String APK_INSTALLED = "lib/apk/db/installed";

  /**
   * rpm database locations, in order of preference when several exist in the same layer: {@code
   * usr/lib/sysimage/rpm} is the current location (Fedora 36+, SUSE, RHEL 10), {@code var/lib/rpm}
   * the traditional one; SQLite and ndb replaced BerkeleyDB.
   */
  public static final List<String> RPM_DATABASES =
      List.of(
          "usr/lib/sysimage/rpm/rpmdb.sqlite",
          "var/lib/rpm/rpmdb.sqlite",
          "usr/lib/sysimage/rpm/Packages.db",
          "var/lib/rpm/Packages.db",
          "usr/lib/sysimage/rpm/Packages",
          "var/lib/rpm/Packages");

  /**
   * The package list CBL-Mariner/Azure Linux distroless images carry instead of an rpm database.
   * Written once at image build, so it is read only when no rpm database exists.
   */
  public static final String RPM_CONTAINER_MANIFEST = "var/lib/rpmmanifest/container-manifest-2";

  /** Cap on a package database; the largest real ones (full RHEL installs) stay below. */
  public static final long DATABASE_CAP_BYTES = 64L * 1024 * 1024;

  /** Cap on a release file; real ones are a few hundred bytes. */
  public static final long RELEASE_FILE_CAP_BYTES = 64L * 1024;

  /**
   * dpkg control files that distroless keeps next to the stanzas in status.d; they are not stanzas.
   * Package names may contain dots, so only these suffixes are excluded.
   */
  private static final Set<String> DPKG_CONTROL_SUFFIXES =
      Set.of(
          ".md5sums",
          ".preinst",
          ".postinst",
          ".prerm",
          ".postrm",
          ".conffiles",
          ".list",
          ".triggers",
          ".shlibs",
          ".symbols",
          ".templates",
          ".config");

  /** Problems listed per database file before the rest are only counted. */
  static final int MAX_PROBLEMS_PER_FILE = 20;

  /** Package databases. A ContentSelector has one size cap, so release files have their own. */
  public static final ContentSelector SELECTOR =
      new ContentSelector(
          "inventory-databases", 1, InventoryAnalyzer::isPackageDatabase, DATABASE_CAP_BYTES);

  /** OS release files ({@link OsDetector#RELEASE_FILES}). */
  public static final ContentSelector RELEASE_SELECTOR =
      new ContentSelector(
          "inventory-release-files",
          1,
          path -> OsDetector.RELEASE_FILES.contains(path),
          RELEASE_FILE_CAP_BYTES);

  /**
   * Every selector this analyzer needs the layer walker to honour: databases, release files and
   * the dpkg file lists that tell OS-owned files ({@link OsOwnedFiles}).
   */
  public static final List<ContentSelector> SELECTORS =
      List.of(SELECTOR, RELEASE_SELECTOR, OsOwnedFiles.SELECTOR);

  private final Clock clock;
  private final LanguagePackages languages;

  /** Evaluates end of life against the system clock (UTC), with the standard readers. */
  public InventoryAnalyzer() {
    this(Clock.systemUTC());
  }

  /** Evaluates end of life against {@code clock}, with the standard language readers. */
  public InventoryAnalyzer(Clock clock) {
    this(clock, LanguagePackages.standard());
  }

  /** Evaluates end of life against {@code clock} and reads language packages with these readers. */
  public InventoryAnalyzer(Clock clock, LanguagePackages languages) {
    this.clock = clock;
    this.languages = languages;
  }

  /** The readers the layer walk must run for {@link #analyze} to find language packages. */
  public List<EntryReader> entryReaders() {
    return languages.entryReaders();
  }

  /** True for the paths {@link #SELECTOR} keeps. */
  public static boolean isPackageDatabase(String path) {
    if (path.equals(DPKG_STATUS)
        || path.equals(APK_INSTALLED)
        || RPM_DATABASES.contains(path)
        || path.equals(RPM_CONTAINER_MANIFEST)) {
      return true;
    }
    return isStatusDStanzaFile(path);
  }

  private static boolean isStatusDStanzaFile(String path) {
    String prefix = DPKG_STATUS_D + "/";
    if (!path.startsWith(prefix)) {
      return false;
    }
    String name = path.substring(prefix.length());
    if (name.isEmpty() || name.contains("/")) {
      return false;
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 || !DPKG_CONTROL_SUFFIXES.contains(name.substring(dot));
  }

  public Inventory analyze(ImageFiles files) {
    List<String> problems = new ArrayList<>();
    OsInfo os = detectOs(files, problems);
    List<InstalledPackage> packages = new ArrayList<>();

    files
        .content(DPKG_STATUS)
        .ifPresent(f -> packages.addAll(read(files, f, DpkgDatabase::parse, problems)));
    files.contentsUnder(DPKG_STATUS_D).stream()
        .filter(f -> isStatusDStanzaFile(f.path()))
        .sorted(Comparator.comparing(CapturedFile::path))
        .forEach(f -> packages.addAll(read(files, f, DpkgDatabase::parse, problems)));
    files
        .content(APK_INSTALLED)
        .ifPresent(f -> packages.addAll(read(files, f, ApkDatabase::parse, problems)));
    Optional<CapturedFile> rpmDatabase = chooseRpmDatabase(files, problems);
    if (rpmDatabase.isPresent()) {
      packages.addAll(read(files, rpmDatabase.get(), RpmDatabase::parse, problems));
    } else {
      files
          .content(RPM_CONTAINER_MANIFEST)
          .ifPresent(f -> packages.addAll(read(files, f, RpmContainerManifest::parse, problems)));
    }
    List<ApplicationPackage> applications =
        LanguageInventory.collect(files, languages, rpmDatabase.orElse(null), problems);

    return new Inventory(os, List.copyOf(packages), applications, List.copyOf(problems));
  }

  private OsInfo detectOs(ImageFiles files, List<String> problems) {
    Map<String, byte[]> releaseFiles = new HashMap<>();
    for (String path : OsDetector.RELEASE_FILES) {
      Optional<CapturedFile> file = files.content(path);
      if (file.isEmpty()) {
        continue;
      }
      if (file.get().truncated()) {
        problems.add(path + ": larger than " + RELEASE_FILE_CAP_BYTES + " bytes; ignored");
        continue;
      }
      releaseFiles.put(path, file.get().content());
    }
    return OsEndOfLife.evaluate(OsDetector.detect(releaseFiles).orElse(null), LocalDate.now(clock));
  }

  /**
   * rpm reads exactly one database, but an image can carry a stale one from another backend or
   * location (a converted database, a symlink replaced by a directory). The one written by the
   * highest layer is the one the last package operation used; within a layer the order of {@link
   * #RPM_DATABASES} decides. The others are named in a problem so nothing goes unseen.
   */
  private static Optional<CapturedFile> chooseRpmDatabase(ImageFiles files, List<String> problems) {
    List<CapturedFile> present = new ArrayList<>();
    for (String path : RPM_DATABASES) {
      files.content(path).ifPresent(present::add);
    }
    if (present.isEmpty()) {
      return Optional.empty();
    }
    CapturedFile chosen = present.get(0);
    for (CapturedFile candidate : present) {
      if (candidate.layerIndex() > chosen.layerIndex()) {
        chosen = candidate;
      }
    }
    for (CapturedFile other : present) {
      if (other != chosen) {
        problems.add(
            other.path()
                + ": another rpm database, "
                + chosen.path()
                + ", was written by a later or preferred layer; this one was not read");
      }
    }
    return Optional.of(chosen);
  }

  private static List<InstalledPackage> read(
      ImageFiles files,
      CapturedFile database,
      Function<byte[], ParsedPackages> parser,
      List<String> problems) {
    String path = database.path();
    if (database.truncated()) {
      problems.add(path + ": larger than " + DATABASE_CAP_BYTES + " bytes; not read");
      return List.of();
    }
    ParsedPackages parsed;
    try {
      parsed = parser.apply(database.content());
    } catch (RuntimeException e) {
      // The parsers check the structures they rely on; this catches what slipped through, so
      // one hostile file costs its own packages and never the whole scan.
      problems.add(path + ": unreadable: " + e);
      return List.of();
    }
    addProblems(path, parsed.problems(), problems);
    List<String> attributionProblems = new ArrayList<>();
    List<InstalledPackage> attributed =
        PackageLayerAttribution.attribute(
            database, parsed.packages(), files.history(path), parser, attributionProblems);
    addProblems(path, attributionProblems, problems);
    return attributed;
  }

  /**
   * Adds a file's problems, at most {@link #MAX_PROBLEMS_PER_FILE} of them and then a count: a file
   * of garbage would otherwise turn into one problem per line.
   */
  private static void addProblems(String path, List<String> found, List<String> problems) {
    for (int i = 0; i < found.size(); i++) {
      if (i == MAX_PROBLEMS_PER_FILE) {
        problems.add(path + ": " + (found.size() - i) + " more problems not listed");
        return;
      }
      problems.add(path + ": " + found.get(i));
    }
  }
}
