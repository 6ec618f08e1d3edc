package dev.vigil.inventory;

import dev.vigil.image.CapturedFile;
import dev.vigil.image.FileEntry;
import dev.vigil.image.ImageFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test fixture: an {@link ImageFiles} built from in-memory layers of written and deleted files,
 * standing in for the layer walker (another package) in analyzer tests. Every written file is
 * captured; a file can be marked truncated to imitate a walker that hit a size cap.
 */
final class LayeredTestFiles implements ImageFiles {

  /** One layer: files it writes (in order) and paths it deletes (whiteouts, applied first). */
  static final class Layer {
    private final Map<String, byte[]> writes = new LinkedHashMap<>();
    private final Set<String> truncated = new LinkedHashSet<>();
    private final Set<String> deletes = new LinkedHashSet<>();

    Layer write(String path, byte[] content) {
      writes.put(path, content);
      return this;
    }

    Layer write(String path, String content) {
      return write(path, content.getBytes(StandardCharsets.UTF_8));
    }

    Layer writeTruncated(String path, byte[] prefix) {
      truncated.add(path);
      return write(path, prefix);
    }

    Layer delete(String path) {
      deletes.add(path);
      return this;
    }
  }

  static Layer layer() {
    return new Layer();
  }

  static String digest(int layerIndex) {
    return String.format("sha256:%064x", layerIndex + 1);
  }

  private final List<String> digests = new ArrayList<>();
  private final Map<String, FileEntry> finalEntries = new LinkedHashMap<>();
  private final Map<String, CapturedFile> finalContents = new LinkedHashMap<>();
  private final List<CapturedFile> allCaptured = new ArrayList<>();

  LayeredTestFiles(Layer... layers) {
    for (int index = 0; index < layers.length; index++) {
      Layer layer = layers[index];
      String digest = digest(index);
      digests.add(digest);
      for (String deleted : layer.deletes) {
        finalEntries.keySet().removeIf(p -> p.equals(deleted) || p.startsWith(deleted + "/"));
        finalContents.keySet().removeIf(p -> p.equals(deleted) || p.startsWith(deleted + "/"));
      }
      for (Map.Entry<String, byte[]> write : layer.writes.entrySet()) {
        String path = write.getKey();
        byte[] content = write.getValue();
        finalEntries.put(
            path,
            new FileEntry(
                path, FileEntry.Type.FILE, 0644, 0, 0, content.length, null, digest, index));
        CapturedFile captured =
            new CapturedFile(path, digest, index, content, layer.truncated.contains(path));
        finalContents.put(path, captured);
        allCaptured.add(captured);
      }
    }
  }

  @Override
  public List<String> layerDigests() {
    return List.copyOf(digests);
  }

  @Override
  public Optional<FileEntry> entry(String path) {
    return Optional.ofNullable(finalEntries.get(path));
  }

  @Override
  public Collection<FileEntry> entries() {
    return List.copyOf(finalEntries.values());
  }

  @Override
  public Collection<FileEntry> entriesUnder(String directory) {
    String prefix = directory.isEmpty() ? "" : directory + "/";
    return finalEntries.values().stream().filter(e -> e.path().startsWith(prefix)).toList();
  }

  @Override
  public Optional<CapturedFile> content(String path) {
    return Optional.ofNullable(finalContents.get(path));
  }

  @Override
  public List<CapturedFile> contentsUnder(String directory) {
    String prefix = directory.isEmpty() ? "" : directory + "/";
    return finalContents.values().stream().filter(c -> c.path().startsWith(prefix)).toList();
  }

  @Override
  public List<CapturedFile> history(String path) {
    return allCaptured.stream().filter(c -> c.path().equals(path)).toList();
  }

  @Override
  public List<CapturedFile> allCaptured() {
    return List.copyOf(allCaptured);
  }
}
