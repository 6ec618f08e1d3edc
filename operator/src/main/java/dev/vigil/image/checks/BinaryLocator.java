package dev.vigil.image.checks;

import dev.vigil.image.FileEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Finds executables by name where a shell would find them: the usual binary directories plus every
 * directory on the image's PATH, each resolved through links so that merged-/usr images (bin →
 * usr/bin) are searched once.
 */
final class BinaryLocator {

  static final List<String> STANDARD_DIRECTORIES =
      List.of("bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin");

  /**
   * An executable found by name.
   *
   * @param path link-free path of the directory entry (may itself be a link)
   * @param name the entry's name
   * @param linkTarget the link target as written when the entry is a symbolic link, else null
   */
  record Located(String path, String name, String linkTarget) {

    /** "/usr/bin/sh -> dash" or "/usr/bin/curl". */
    String evidence() {
      return linkTarget == null ? Evidence.path(path) : Evidence.path(path) + " -> " + linkTarget;
    }
  }

  private BinaryLocator() {}

  /** The link-free binary directories of the image, sorted, each once. */
  static List<String> directories(ImageCheckContext context) {
    List<String> wanted = new ArrayList<>(STANDARD_DIRECTORIES);
    String path = context.config().config().environment().get("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        // Relative PATH entries depend on the working directory; only absolute ones name
        // a fixed place in the image.
        if (dir.startsWith("/")) {
          wanted.add(dir);
        }
      }
    }
    TreeSet<String> real = new TreeSet<>();
    for (String dir : wanted) {
      context.fileSystem().realPath(dir).ifPresent(real::add);
    }
    return List.copyOf(real);
  }

  /**
   * Entries in the binary directories whose name the predicate accepts and that lead to an
   * executable file (links followed; dangling links and non-executable files do not count), sorted
   * by path.
   */
  static List<Located> find(ImageCheckContext context, Predicate<String> names) {
    List<Located> found = new ArrayList<>();
    for (String dir : directories(context)) {
      for (FileEntry entry : context.fileSystem().children(dir)) {
        if (!names.test(entry.name())) {
          continue;
        }
        Optional<FileEntry> target =
            entry.type() == FileEntry.Type.SYMLINK
                ? context.fileSystem().resolve(entry.path())
                : Optional.of(entry);
        if (target.isPresent() && FileSystemView.isExecutableFile(target.get())) {
          String link = entry.type() == FileEntry.Type.SYMLINK ? entry.linkTarget() : null;
          found.add(new Located(entry.path(), entry.name(), link));
        }
      }
    }
    found.sort((a, b) -> a.path().compareTo(b.path()));
    return found;
  }
}
