package dev.vigil.image.checks;

import dev.vigil.image.ImageConfig;
import dev.vigil.image.ImageFiles;
import java.time.Clock;

/**
 * What one run of the image checks looks at.
 *
 * @param config the image config
 * @param files the final file view plus captured contents across layers
 * @param settings the policy's check settings
 * @param clock the time "now" for age checks
 * @param fileSystem symlink-aware lookups over {@code files}
 */
public record ImageCheckContext(
    ImageConfig config,
    ImageFiles files,
    ImageCheckSettings settings,
    Clock clock,
    FileSystemView fileSystem) {

  public ImageCheckContext(
      ImageConfig config, ImageFiles files, ImageCheckSettings settings, Clock clock) {
    this(config, files, settings, clock, new FileSystemView(files));
  }
}
