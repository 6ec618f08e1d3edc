package dev.vigil.image.checks;

import dev.vigil.image.CapturedFile;
import dev.vigil.image.FileEntry;
import dev.vigil.image.ImageFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * TEST FIXTURE, not the real layer walker: an in-memory {@link ImageFiles} built from a list of
 * layers, each a list of entries, captured contents and deletions. Deletions (what whiteout files
 * express in a real layer) remove a path and everything below it from the layers beneath; then the
 * layer's own entries are laid over. The lead's integration tests cover the real walker; these unit
 * tests only need a faithful final view.
 */
final class TestImageFiles implements ImageFiles {

  private final List<String> layerDigests;
  private final TreeMap<String, FileEntry> finalView;
  private final List<CapturedFile> captured;

  private TestImageFiles(
      List<String> layerDigests,
      TreeMap<String, FileEntry> finalView,
      List<CapturedFile> captured) {
    this.layerDigests = layerDigests;
    this.finalView = finalView;
    this.captured = captured;
  }

  static Builder builder() {
    return new Builder();
  }

  /** An image with one empty layer. */
  static TestImageFiles empty() {
    return builder().layer("sha256:empty").build();
  }

  @Override
  public List<String> layerDigests() {
    return layerDigests;
  }

  @Override
  public Optional<FileEntry> entry(String path) {
    return Optional.ofNullable(finalView.get(path));
  }

  @Override
  public Collection<FileEntry> entries() {
    return finalView.values();
  }

  @Override
  public Collection<FileEntry> entriesUnder(String directory) {
    if (directory.isEmpty()) {
      return finalView.values();
    }
    String prefix = directory + "/";
    return finalView.subMap(prefix, prefix + Character.MAX_VALUE).values();
  }

  @Override
  public Optional<CapturedFile> content(String path) {
    FileEntry e = finalView.get(path);
    if (e == null) {
      return Optional.empty();
    }
    return history(path).stream().filter(c -> c.layerIndex() == e.layerIndex()).findFirst();
  }

  @Override
  public List<CapturedFile> contentsUnder(String directory) {
    List<CapturedFile> under = new ArrayList<>();
    for (FileEntry e : entriesUnder(directory)) {
      content(e.path()).ifPresent(under::add);
    }
    return under;
  }

  @Override
  public List<CapturedFile> history(String path) {
    return captured.stream().filter(c -> c.path().equals(path)).toList();
  }

  @Override
  public List<CapturedFile> allCaptured() {
    return captured;
  }

  static final class Builder {

    private record Layer(
        String digest,
        List<FileEntry> entries,
        List<String> deletions,
        List<CapturedFile> captured) {}

    private final List<Layer> layers = new ArrayList<>();

    /** Starts the next layer; everything added until the next call belongs to it. */
    Builder layer(String digest) {
      layers.add(new Layer(digest, new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
      return this;
    }

    Builder entry(FileEntry.Type type, String path, int mode, long uid, long size, String link) {
      Layer l = current();
      l.entries()
          .add(
              new FileEntry(path, type, mode, uid, uid, size, link, l.digest(), layers.size() - 1));
      return this;
    }

    /** A regular file owned by root. */
    Builder file(String path, int mode) {
      return entry(FileEntry.Type.FILE, path, mode, 0, 0, null);
    }

    Builder file(String path, int mode, long uid, long size) {
      return entry(FileEntry.Type.FILE, path, mode, uid, size, null);
    }

    Builder dir(String path, int mode) {
      return entry(FileEntry.Type.DIRECTORY, path, mode, 0, 0, null);
    }

    Builder symlink(String path, String target) {
      return entry(FileEntry.Type.SYMLINK, path, 0777, 0, 0, target);
    }

    /** A root-owned 0644 file whose content the walker captured. */
    Builder captured(String path, String content) {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      file(path, 0644, 0, bytes.length);
      Layer l = current();
      l.captured().add(new CapturedFile(path, l.digest(), layers.size() - 1, bytes, false));
      return this;
    }

    /** A file of {@code size} bytes of which only a prefix was captured (the selector's cap). */
    Builder capturedPrefix(String path, String prefix, long size) {
      file(path, 0644, 0, size);
      Layer l = current();
      l.captured()
          .add(
              new CapturedFile(
                  path,
                  l.digest(),
                  layers.size() - 1,
                  prefix.getBytes(StandardCharsets.UTF_8),
                  true));
      return this;
    }

    /** Deletes a path of a lower layer and everything below it (a whiteout). */
    Builder delete(String path) {
      current().deletions().add(path);
      return this;
    }

    TestImageFiles build() {
      TreeMap<String, FileEntry> view = new TreeMap<>();
      List<CapturedFile> captured = new ArrayList<>();
      List<String> digests = new ArrayList<>();
      for (Layer l : layers) {
        digests.add(l.digest());
        for (String deleted : l.deletions()) {
          view.remove(deleted);
          view.subMap(deleted + "/", deleted + "/" + Character.MAX_VALUE).clear();
        }
        for (FileEntry e : l.entries()) {
          view.put(e.path(), e);
        }
        captured.addAll(l.captured());
      }
      return new TestImageFiles(List.copyOf(digests), view, List.copyOf(captured));
    }

    private Layer current() {
      if (layers.isEmpty()) {
        throw new IllegalStateException("call layer(digest) before adding entries");
      }
      return layers.get(layers.size() - 1);
    }
  }
}
