package dev.vigil.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The filesystem of an image: its layers' facts stacked base first, with each layer's
 * whiteouts and opaque directories applied to the layers below it, as a container runtime
 * would unpack them. Also keeps every captured version of every file, deleted or not.
 * Immutable and thread-safe once built.
 */
public final class ImageFacts implements ImageFiles {

  /** Symbolic links followed in one resolution before giving up, as Linux does (ELOOP). */
  public static final int MAX_SYMLINK_HOPS = 40;

  private final List<String> layerDigests;
  private final NavigableMap<String, FileEntry> view;
  private final NavigableMap<String, CapturedFile> finalContents;
  private final Map<String, List<CapturedFile>> history;
  private final List<CapturedFile> allCaptured;
  private final List<EntryReading> finalReadings;
  private final long uncompressedBytes;

  private ImageFacts(
      List<String> layerDigests,
      NavigableMap<String, FileEntry> view,
      NavigableMap<String, CapturedFile> finalContents,
      Map<String, List<CapturedFile>> history,
      List<CapturedFile> allCaptured,
      List<EntryReading> finalReadings,
      long uncompressedBytes) {
    this.finalReadings = List.copyOf(finalReadings);
    this.layerDigests = List.copyOf(layerDigests);
    this.view = Collections.unmodifiableNavigableMap(view);
    this.finalContents = Collections.unmodifiableNavigableMap(finalContents);
    this.history = history;
    this.allCaptured = List.copyOf(allCaptured);
    this.uncompressedBytes = uncompressedBytes;
  }

  /** Stacks layers under the default limits. */
  public static ImageFacts assemble(List<LayerFacts> layers) throws LayerException {
    return assemble(layers, WalkLimits.DEFAULTS);
  }

  /**
   * Stacks layers, base first.
   *
   * @throws LayerException when the layers together exceed the image limits (uncompressed
   *     size, captured bytes), naming the layer that crossed the limit
   */
  public static ImageFacts assemble(List<LayerFacts> layers, WalkLimits limits)
      throws LayerException {
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(limits, "limits");
    TreeMap<String, FileEntry> view = new TreeMap<>();
    Map<String, CapturedFile> latestCaptured = new HashMap<>();
    Map<String, List<CapturedFile>> history = new HashMap<>();
    List<CapturedFile> allCaptured = new ArrayList<>();
    List<EntryReading> allReadings = new ArrayList<>();
    List<String> digests = new ArrayList<>(layers.size());
    long uncompressed = 0;
    long captured = 0;

    for (int index = 0; index < layers.size(); index++) {
      LayerFacts layer = layers.get(index);
      digests.add(layer.layerDigest());
      uncompressed += layer.uncompressedBytes();
      if (uncompressed > limits.maxImageBytes()) {
        throw new LayerException(
            LayerException.Reason.LIMIT_EXCEEDED,
            layer.layerDigest(),
            "the image's layers up to this one (index " + index + ") hold " + uncompressed
                + " uncompressed bytes, more than " + limits.maxImageBytes()
                + " (maxImageBytes)");
      }
      captured += layer.capturedBytes();
      if (captured > limits.maxCapturedBytes()) {
        throw new LayerException(
            LayerException.Reason.LIMIT_EXCEEDED,
            layer.layerDigest(),
            "the image's captured contents up to this layer (index " + index + ") exceed "
                + limits.maxCapturedBytes() + " bytes (maxCapturedBytes)");
      }

      // Whiteouts and opaque markers act on the layers below only, so they go first: an
      // entry this same layer writes survives them.
      for (String deleted : layer.whiteouts()) {
        view.remove(deleted);
        removeBelow(view, deleted);
      }
      for (String directory : layer.opaqueDirectories()) {
        removeBelow(view, directory);
      }
      for (FileEntry entry : layer.entries()) {
        if (entry.type() != FileEntry.Type.DIRECTORY && hasAnythingBelow(view, entry.path())) {
          // A file, link or device replacing a directory takes its contents with it.
          removeBelow(view, entry.path());
        }
        view.put(entry.path(), atIndex(entry, index));
      }
      for (CapturedFile file : layer.captured()) {
        CapturedFile stamped =
            new CapturedFile(file.path(), file.layerDigest(), index, file.content(), file.truncated());
        allCaptured.add(stamped);
        history.computeIfAbsent(file.path(), p -> new ArrayList<>()).add(stamped);
        latestCaptured.put(file.path(), stamped);
      }
      for (EntryReading reading : layer.readings()) {
        allReadings.add(reading.atIndex(index));
      }
    }

    // A captured version is the final content only if the final entry is the one that
    // layer wrote; a later layer may have rewritten the path as a link or directory.
    TreeMap<String, CapturedFile> finalContents = new TreeMap<>();
    for (CapturedFile file : latestCaptured.values()) {
      FileEntry entry = view.get(file.path());
      if (entry != null && entry.layerIndex() == file.layerIndex()) {
        finalContents.put(file.path(), file);
      }
    }
    // Readings follow the same rule: only those of the version of a file that is in the final
    // view count; a file deleted, hidden by an opaque directory or rewritten later is not there.
    List<EntryReading> finalReadings = new ArrayList<>();
    for (EntryReading reading : allReadings) {
      FileEntry entry = view.get(reading.path());
      if (entry != null && entry.layerIndex() == reading.layerIndex()) {
        finalReadings.add(reading);
      }
    }
    finalReadings.sort(
        java.util.Comparator.comparing(EntryReading::path).thenComparing(EntryReading::reader));
    Map<String, List<CapturedFile>> frozenHistory = new HashMap<>();
    history.forEach((path, versions) -> frozenHistory.put(path, List.copyOf(versions)));
    return new ImageFacts(
        digests, view, finalContents, frozenHistory, allCaptured, finalReadings, uncompressed);
  }

  private static FileEntry atIndex(FileEntry entry, int index) {
    return new FileEntry(
        entry.path(),
        entry.type(),
        entry.mode(),
        entry.uid(),
        entry.gid(),
        entry.size(),
        entry.linkTarget(),
        entry.layerDigest(),
        index);
  }

  /** Removes every path strictly below a directory ("" = the root: everything). */
  private static void removeBelow(NavigableMap<String, ?> map, String directory) {
    if (directory.isEmpty()) {
      map.clear();
    } else {
      below(map, directory).clear();
    }
  }

  /**
   * Whether any path lies below {@code path}: one lookup, where {@link #removeBelow} builds a
   * sub-map; asked for every file of every layer, and the answer is almost always no.
   */
  private static boolean hasAnythingBelow(NavigableMap<String, ?> map, String path) {
    if (path.isEmpty()) {
      return !map.isEmpty();
    }
    String prefix = path + "/";
    String next = map.ceilingKey(prefix);
    return next != null && next.startsWith(prefix);
  }

  /** The sub-map of paths strictly below a directory: "dir/" up to "dir0" ('0' follows '/'). */
  private static <V> NavigableMap<String, V> below(NavigableMap<String, V> map, String directory) {
    if (directory.isEmpty()) {
      return map;
    }
    return map.subMap(directory + "/", true, directory + "0", false);
  }

  @Override
  public List<String> layerDigests() {
    return layerDigests;
  }

  /** Uncompressed bytes of all layers together. */
  public long uncompressedBytes() {
    return uncompressedBytes;
  }

  @Override
  public Optional<FileEntry> entry(String path) {
    return Optional.ofNullable(view.get(ImagePath.ofLookup(path)));
  }

  @Override
  public Collection<FileEntry> entries() {
    return view.values();
  }

  @Override
  public Collection<FileEntry> entriesUnder(String directory) {
    return below(view, ImagePath.ofLookup(directory)).values();
  }

  @Override
  public Optional<CapturedFile> content(String path) {
    return Optional.ofNullable(finalContents.get(ImagePath.ofLookup(path)));
  }

  @Override
  public List<CapturedFile> contentsUnder(String directory) {
    return List.copyOf(below(finalContents, ImagePath.ofLookup(directory)).values());
  }

  @Override
  public List<CapturedFile> history(String path) {
    return history.getOrDefault(ImagePath.ofLookup(path), List.of());
  }

  @Override
  public List<CapturedFile> allCaptured() {
    return allCaptured;
  }

  @Override
  public List<EntryReading> readings() {
    return finalReadings;
  }

  /**
   * Where a path really leads in the final view: symbolic links in every segment are
   * followed inside the image root (absolute targets start again at the root, ".." stops at
   * the root), as the kernel would inside the container. Hard links are returned as they
   * are.
   *
   * @return the entry reached, which is never a symbolic link; empty when the path or a link
   *     target does not exist, a middle segment is not a directory, or more than {@value
   *     #MAX_SYMLINK_HOPS} links were followed (a loop)
   */
  @Override
  public Optional<FileEntry> resolveLink(String path) {
    Deque<String> pending = new ArrayDeque<>();
    pushSegments(pending, path);
    List<String> resolved = new ArrayList<>();
    int hops = 0;
    while (!pending.isEmpty()) {
      String segment = pending.pop();
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (!resolved.isEmpty()) {
          resolved.remove(resolved.size() - 1);
        }
        continue;
      }
      resolved.add(segment);
      FileEntry entry = view.get(String.join("/", resolved));
      if (entry == null) {
        // Directories need no tar entry of their own; only the last segment must exist.
        continue;
      }
      if (entry.type() == FileEntry.Type.SYMLINK) {
        if (++hops > MAX_SYMLINK_HOPS) {
          return Optional.empty();
        }
        resolved.remove(resolved.size() - 1);
        String target = entry.linkTarget() == null ? "" : entry.linkTarget();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        pushSegments(pending, target);
      } else if (entry.type() != FileEntry.Type.DIRECTORY && hasMoreSegments(pending)) {
        return Optional.empty(); // a file used as a directory
      }
    }
    if (resolved.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(view.get(String.join("/", resolved)));
  }

  private static void pushSegments(Deque<String> pending, String path) {
    String[] segments = path.split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      pending.push(segments[i]);
    }
  }

  /** True when a non-empty segment ("." and ".." included) is still to come. */
  private static boolean hasMoreSegments(Deque<String> pending) {
    for (String segment : pending) {
      if (!segment.isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
