package dev.vigil.image;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The filesystem of an image after all layers and whiteouts are applied, plus the history of
 * captured files across layers. This is what analyzers above the image package read.
 */
public interface ImageFiles {

  /** Layer digests in manifest order, base first. */
  List<String> layerDigests();

  /** The entry at a normalised relative path in the final view, following no links. */
  Optional<FileEntry> entry(String path);

  /**
   * Where a path leads in the final view, symbolic links followed inside the image root; never
   * a symbolic link. Views that know no links answer the entry itself.
   */
  default Optional<FileEntry> resolveLink(String path) {
    return entry(path).filter(e -> e.type() != FileEntry.Type.SYMLINK);
  }

  /** All entries of the final view. */
  Collection<FileEntry> entries();

  /** Entries of the final view directly or indirectly below a directory ("" = all). */
  Collection<FileEntry> entriesUnder(String directory);

  /** Content of a captured file in the final view; empty when absent or not captured. */
  Optional<CapturedFile> content(String path);

  /** Captured contents under a directory in the final view (e.g. "var/lib/dpkg/status.d"). */
  List<CapturedFile> contentsUnder(String directory);

  /**
   * Every version of a captured path as written by each layer, base first, including
   * versions that a later layer deleted or replaced. Lets analyzers tell which layer
   * introduced something and find secrets that a later layer only hid.
   */
  List<CapturedFile> history(String path);

  /** Every captured file in every layer, including ones deleted by a later layer. */
  List<CapturedFile> allCaptured();

  /**
   * What the {@link EntryReader}s made of the files in the final view, by path then reader:
   * a reading of a file that a later layer deleted, hid or rewrote is not here. Each keeps the
   * layer that wrote the file.
   */
  default List<EntryReading> readings() {
    return List.of();
  }
}
