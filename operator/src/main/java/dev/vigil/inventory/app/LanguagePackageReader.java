package dev.vigil.inventory.app;

import java.io.IOException;
import java.io.InputStream;

/**
 * Finds the language packages one file installs, while its layer streams past: each file is
 * offered once, in the single pass over the layer, and nothing is written to disk. A reader
 * holds no state between files and is safe to call from several layer reads at once.
 */
public interface LanguagePackageReader {

  /** Short stable name ("java-archive", "go-binary", ...), part of the layer cache key. */
  String name();

  /** Bump when what the reader finds changes, so that cached layer results are recomputed. */
  int version();

  /**
   * Whether a file may hold evidence, decided before any byte is read.
   *
   * @param path the normalised relative path in the image, without a leading slash
   *     ("app/lib/log4j-core-2.14.1.jar")
   * @param mode the permission bits of the tar entry (07777), to tell executables
   * @param size the file's size in bytes
   */
  boolean wants(String path, int mode, long size);

  /**
   * Reads one file the reader wanted.
   *
   * @param path as for {@link #wants}
   * @param content the file's bytes; may be read only in part, is never closed here
   * @param size the file's size in bytes
   * @return the packages it holds, each with {@code path} set to "/" + path, and for files
   *     inside archives "!/" and the inner path appended per level
   *     ("/app/app.jar!/BOOT-INF/lib/x.jar"), {@code layerDigest} null (the walker knows it);
   *     malformed or over-cap content gives problems and whatever could be read, never an
   *     exception
   * @throws IOException only when reading {@code content} itself fails
   */
  PackageEvidence read(String path, InputStream content, long size) throws IOException;
}
