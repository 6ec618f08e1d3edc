package dev.vigil.image.checks;

import dev.vigil.image.CapturedFile;
import dev.vigil.image.FileEntry;
import dev.vigil.image.ImageFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How evidence lines present paths, layers and long lists, the same way in every check. Public only
 * for {@link #capped}, which the workload checks share so that every finding is capped alike.
 */
public final class Evidence {

  /** Findings keep at most this many lines; a last line says how many were left out. */
  public static final int MAX_LINES = 50;

  private Evidence() {}

  /** An image path as a user inside the container would write it. */
  static String path(String relative) {
    return "/" + relative;
  }

  /** A file mode as ls -l's octal form, e.g. "0777", "4755". */
  static String mode(int mode) {
    return String.format("%04o", mode & 07777);
  }

  /** The first {@link #MAX_LINES} lines, then "... and N more". */
  public static List<String> capped(List<String> lines) {
    if (lines.size() <= MAX_LINES) {
      return lines;
    }
    List<String> capped = new ArrayList<>(lines.subList(0, MAX_LINES));
    capped.add("... and " + (lines.size() - MAX_LINES) + " more");
    return capped;
  }

  /**
   * Where a captured version of a file lives, for files that matter even when a later layer hid
   * them: every layer stays downloadable from the registry, so a deleted secret is still a leaked
   * secret. Returns "" for the version the final view shows.
   */
  static String layerNote(CapturedFile version, ImageFiles files) {
    Optional<FileEntry> current = files.entry(version.path());
    if (current.isEmpty()) {
      return " (deleted in a later layer, still in layer " + version.layerDigest() + ")";
    }
    if (current.get().layerIndex() != version.layerIndex()) {
      return " (replaced in a later layer, still in layer " + version.layerDigest() + ")";
    }
    return "";
  }
}
