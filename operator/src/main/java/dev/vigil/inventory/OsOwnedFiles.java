package dev.vigil.inventory;

import dev.vigil.image.CapturedFile;
import dev.vigil.image.ContentSelector;
import dev.vigil.image.FileEntry;
import dev.vigil.image.ImageFiles;
import dev.vigil.image.ImagePath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which files the OS package manager installed, so that language-package evidence it owns (a
 * Debian {@code python3-requests} egg-info, an Alpine {@code py3-*} dist-info, a distro-built Go
 * binary, a jar from {@code libjackson2-databind-java}) is not reported a second time as a PyPI,
 * Go or Maven package: the distribution backports fixes without changing the upstream version,
 * so matching those copies against the language advisories gives false positives and double
 * reports.
 *
 * <p>The rule: a language package is OS-owned when the file its reader read (the jar, the
 * binary, the METADATA or PKG-INFO, the package.json, followed through symbolic links of the
 * final view) is listed as a file of an installed OS package. Directories do not count: dpkg
 * lists shared directories such as {@code /usr/lib/python3/dist-packages} that pip writes into
 * too. The lists read are dpkg's {@code var/lib/dpkg/info/*.list} and the
 * {@code var/lib/dpkg/status.d/*.md5sums} distroless keeps (distroless has no {@code .list}
 * files; conffiles are not in md5sums, and no language evidence is a conffile), apk's {@code
 * F:}/{@code R:} lines in {@code lib/apk/db/installed}, and rpm's BASENAMES, DIRNAMES and
 * DIRINDEXES of every header of the database the inventory reads. Ownership goes by path: a file
 * a later layer overwrote at an owned path still counts as owned, as for Trivy.
 */
final class OsOwnedFiles {

  static final String DPKG_INFO = "var/lib/dpkg/info";

  /** Cap on one file list; the largest real ones (a kernel's modules) are a few MiB. */
  static final long FILE_LIST_CAP_BYTES = 16L * 1024 * 1024;

  /** The dpkg file lists; apk's and rpm's lists are in the databases the inventory captures. */
  static final ContentSelector SELECTOR =
      new ContentSelector("os-file-lists", 1, OsOwnedFiles::isFileList, FILE_LIST_CAP_BYTES);

  private OsOwnedFiles() {}

  static boolean isFileList(String path) {
    if (path.startsWith(DPKG_INFO + "/")) {
      String name = path.substring(DPKG_INFO.length() + 1);
      // Only .list: dpkg writes one for every installed package, and its md5sums (about twice
      // the size) would name the same files again.
      return !name.contains("/") && name.endsWith(".list");
    }
    if (path.startsWith(InventoryAnalyzer.DPKG_STATUS_D + "/")) {
      String name = path.substring(InventoryAnalyzer.DPKG_STATUS_D.length() + 1);
      return !name.contains("/") && name.endsWith(".md5sums");
    }
    return false;
  }

  /**
   * The candidates that an OS package owns.
   *
   * @param candidates normalised relative paths of the files that language packages were read
   *     from
   * @param rpmDatabase the rpm database the inventory reads, null when none
   */
  static Set<String> owned(
      ImageFiles files, Set<String> candidates, CapturedFile rpmDatabase, List<String> problems) {
    Set<String> owned = new HashSet<>();
    if (candidates.isEmpty()) {
      return owned;
    }
    Matcher matcher = new Matcher(files, candidates, owned);
    List<CapturedFile> lists = new ArrayList<>(files.contentsUnder(DPKG_INFO));
    lists.addAll(files.contentsUnder(InventoryAnalyzer.DPKG_STATUS_D));
    for (CapturedFile list : lists) {
      if (!isFileList(list.path())) {
        continue;
      }
      if (list.truncated()) {
        problems.add(list.path() + ": larger than " + FILE_LIST_CAP_BYTES + " bytes; only the"
            + " files in its first part are known to be the OS package's");
      }
      boolean md5sums = list.path().endsWith(".md5sums");
      for (String line : lines(list.content())) {
        if (md5sums) {
          // "<md5>  <path>": two spaces, or " *" for binary mode.
          int gap = line.indexOf(' ');
          if (gap < 0 || gap + 2 > line.length()) {
            continue;
          }
          matcher.offer(line.substring(gap + 2));
        } else {
          matcher.offer(line);
        }
      }
    }
    files.content(InventoryAnalyzer.APK_INSTALLED).ifPresent(installed -> {
      String directory = "";
      for (String line : lines(installed.content())) {
        if (line.startsWith("F:")) {
          directory = line.substring(2).strip();
        } else if (line.startsWith("R:")) {
          String name = line.substring(2).strip();
          matcher.offer(directory.isEmpty() ? name : directory + "/" + name);
        } else if (line.isEmpty()) {
          directory = "";
        }
      }
    });
    if (rpmDatabase != null && !rpmDatabase.truncated()) {
      List<String> rpmProblems = new ArrayList<>();
      for (String path : RpmDatabase.filePaths(rpmDatabase.content(), rpmProblems)) {
        matcher.offer(path);
      }
      rpmProblems.stream().limit(InventoryAnalyzer.MAX_PROBLEMS_PER_FILE)
          .forEach(p -> problems.add(rpmDatabase.path() + ": " + p));
    }
    return owned;
  }

  private static List<String> lines(byte[] content) {
    List<String> lines = new ArrayList<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      String stripped = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (!stripped.isBlank()) {
        lines.add(stripped);
      }
    }
    return lines;
  }

  /**
   * Checks listed paths against the candidates without holding the lists: a listed path is
   * resolved through the final view's symbolic links (a merged /usr lists {@code /bin/x} for
   * {@code usr/bin/x}) only when its file name is a candidate's.
   */
  private static final class Matcher {
    private final ImageFiles files;
    private final Set<String> candidates;
    private final Map<String, Boolean> candidateNames = new HashMap<>();
    private final Set<String> owned;

    Matcher(ImageFiles files, Set<String> candidates, Set<String> owned) {
      this.files = files;
      this.candidates = candidates;
      this.owned = owned;
      for (String candidate : candidates) {
        candidateNames.put(ImagePath.name(candidate), Boolean.TRUE);
      }
    }

    void offer(String listed) {
      String path = normalise(listed);
      if (path == null) {
        return;
      }
      if (candidates.contains(path)) {
        owned.add(path);
        return;
      }
      if (!candidateNames.containsKey(ImagePath.name(path))) {
        return;
      }
      files.resolveLink(path)
          .map(FileEntry::path)
          .filter(candidates::contains)
          .ifPresent(owned::add);
    }

    private static String normalise(String listed) {
      try {
        String path = ImagePath.ofLookup(listed.strip());
        return path.isEmpty() ? null : path;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }
}
