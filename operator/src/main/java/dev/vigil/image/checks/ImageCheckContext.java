package dev.vigil.image.checks;

import dev.vigil.image.ImageConfig;
import dev.vigil.image.ImageFiles;
import java.time.Clock;

/** What one run of the image checks looks at. */
public final class ImageCheckContext {

  private final ImageConfig config;
  private final ImageFiles files;
  private final ImageCheckSettings settings;
  private final Clock clock;
  private final FileSystemView fileSystem;

  public ImageCheckContext(
      ImageConfig config, ImageFiles files, ImageCheckSettings settings, Clock clock) {
    this.config = config;
    this.files = files;
    this.settings = settings;
    this.clock = clock;
    this.fileSystem = new FileSystemView(files);
  }

  /** The image config. */
  public ImageConfig config() {
    return config;
  }

  /** The final file view plus captured contents across layers. */
  public ImageFiles files() {
    return files;
  }

  /** The policy's check settings. */
  public ImageCheckSettings settings() {
    return settings;
  }

  /** "Now", for age checks. */
  public Clock clock() {
    return clock;
  }

  /** Symlink-aware lookups over {@link #files()}. */
  FileSystemView fileSystem() {
    return fileSystem;
  }
}
