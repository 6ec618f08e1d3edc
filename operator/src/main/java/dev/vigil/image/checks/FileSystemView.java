package dev.vigil.image.checks;

import dev.vigil.image.FileEntry;
import dev.vigil.image.ImageFiles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Path lookups over an image's final view that follow symbolic links the way the kernel would
 * inside the container: in every path component, absolute targets from the image root, with a bound
 * on hops so a link loop ends the lookup instead of the process. Needed because merged-/usr
 * distributions make "bin" a link to "usr/bin" and busybox images make every tool a link to one
 * binary.
 */
final class FileSystemView {

  /** The kernel's own limit (MAXSYMLINKS in Linux namei). */
  private static final int MAX_LINK_HOPS = 40;

  private final ImageFiles files;

  FileSystemView(ImageFiles files) {
    this.files = files;
  }

  /**
   * The entry a path finally names, all links followed; empty when it does not exist, a link
   * dangles or loops. Directories that a layer never wrote an entry for are taken to exist when
   * something below them does, as tar layers often omit parent directory entries.
   */
  Optional<FileEntry> resolve(String path) {
    return realPath(path).flatMap(files::entry);
  }

  /** The link-free path a path leads to, or empty; "" is the root. */
  Optional<String> realPath(String path) {
    Deque<String> pending = new ArrayDeque<>(segments(path));
    String current = "";
    int hops = 0;
    while (!pending.isEmpty()) {
      String segment = pending.pollFirst();
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        current = parent(current);
        continue;
      }
      String candidate = current.isEmpty() ? segment : current + "/" + segment;
      Optional<FileEntry> entry = files.entry(candidate);
      if (entry.isEmpty()) {
        if (files.entriesUnder(candidate).isEmpty()) {
          return Optional.empty();
        }
        current = candidate;
        continue;
      }
      FileEntry e = entry.get();
      if (e.type() == FileEntry.Type.SYMLINK) {
        if (++hops > MAX_LINK_HOPS || e.linkTarget() == null || e.linkTarget().isEmpty()) {
          return Optional.empty();
        }
        List<String> target = segments(e.linkTarget());
        for (int i = target.size() - 1; i >= 0; i--) {
          pending.addFirst(target.get(i));
        }
        if (e.linkTarget().startsWith("/")) {
          current = "";
        }
        continue;
      }
      if (!pending.isEmpty() && e.type() != FileEntry.Type.DIRECTORY) {
        return Optional.empty();
      }
      current = candidate;
    }
    return Optional.of(current);
  }

  /** Entries directly inside a link-free directory path. */
  List<FileEntry> children(String directory) {
    List<FileEntry> children = new ArrayList<>();
    String prefix = directory.isEmpty() ? "" : directory + "/";
    for (FileEntry e : files.entriesUnder(directory)) {
      if (e.path().startsWith(prefix)
          && e.path().indexOf('/', prefix.length()) < 0
          && e.path().length() > prefix.length()) {
        children.add(e);
      }
    }
    return children;
  }

  /** A regular file (or hard link to one) with an execute bit. */
  static boolean isExecutableFile(FileEntry e) {
    return (e.type() == FileEntry.Type.FILE || e.type() == FileEntry.Type.HARDLINK)
        && (e.mode() & 0111) != 0;
  }

  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        segments.add(s);
      }
    }
    return segments;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
