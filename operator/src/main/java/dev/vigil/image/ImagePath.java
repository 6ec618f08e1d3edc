package dev.vigil.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The one spelling of a path inside an image: relative to the root, no leading "/" or "./",
 * no empty, "." or ".." segments, no trailing "/". The root itself is "".
 */
public final class ImagePath {

  private ImagePath() {}

  /**
   * Normalises a tar entry name. Tar entries must stay inside the root: an absolute name, or
   * one whose ".." segments climb above the root, is refused rather than repaired, because a
   * layer that carries one is either broken or an attack and its scan must say so.
   *
   * @throws IllegalArgumentException naming the offending entry
   */
  public static String ofEntry(String raw) {
    if (raw.startsWith("/")) {
      throw new IllegalArgumentException("absolute path in tar entry: " + raw);
    }
    if (isClean(raw)) {
      return raw;
    }
    List<String> segments = new ArrayList<>();
    for (String segment : raw.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          throw new IllegalArgumentException("tar entry escapes the image root: " + raw);
        }
        segments.remove(segments.size() - 1);
      } else {
        segments.add(segment);
      }
    }
    return String.join("/", segments);
  }

  /**
   * Normalises a path asked for by an analyzer: a leading "/" is allowed (analyzers think in
   * absolute paths) and ".." stops at the root, as it does in a running container.
   */
  public static String ofLookup(String path) {
    String relative = path;
    while (relative.startsWith("/")) {
      relative = relative.substring(1);
    }
    if (isClean(relative)) {
      return relative;
    }
    List<String> segments = new ArrayList<>();
    for (String segment : relative.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (!segments.isEmpty()) {
          segments.remove(segments.size() - 1);
        }
      } else {
        segments.add(segment);
      }
    }
    return String.join("/", segments);
  }

  /** The directory holding a normalised path; "" for top-level paths and for the root. */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** The last segment of a normalised path. */
  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Joins a normalised directory and a name. */
  public static String child(String directory, String name) {
    return directory.isEmpty() ? name : directory + "/" + name;
  }

  /** True when the path needs no rewriting: the common case, checked without allocating. */
  private static boolean isClean(String path) {
    if (path.isEmpty()) {
      return true;
    }
    if (path.charAt(path.length() - 1) == '/') {
      return false;
    }
    int segmentStart = 0;
    for (int i = 0; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        int length = i - segmentStart;
        if (length == 0) {
          return false;
        }
        if (path.charAt(segmentStart) == '.'
            && (length == 1 || (length == 2 && path.charAt(segmentStart + 1) == '.'))) {
          return false;
        }
        segmentStart = i + 1;
      }
    }
    return true;
  }
}
