package dev.vigil.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a file's content while its layer streams past, for analyzers that need more than a
 * capped prefix of a few known files (a {@link ContentSelector}): package evidence inside jars,
 * executables, manifests anywhere in the tree. Each wanted file is offered once, in the single
 * pass over the layer; nothing is buffered whole or written to disk on the reader's behalf. What
 * the reader returns is kept in the {@link LayerFacts}, so it is cached with them by layer digest
 * and the reader's name and version.
 *
 * <p>Implementations hold no state between files and may be called from several layer walks at
 * once.
 */
public interface EntryReader {

  /** Stable name; part of the layer cache key. */
  String name();

  /** Bump when what the reader returns changes, so cached layer facts are recomputed. */
  int version();

  /**
   * Whether to read a regular file, decided from its tar header alone.
   *
   * @param path normalised relative path ("app/lib/x.jar")
   * @param mode permission bits of the entry (07777)
   * @param size content size in bytes
   */
  boolean wants(String path, int mode, long size);

  /**
   * Reads one wanted file.
   *
   * @param content the file's bytes, possibly read only in part; closing it has no effect
   * @return what the file holds, immutable (kept in the cache); null for nothing
   * @throws IOException when reading fails; an exception the reader raises itself (runtime or
   *     I/O) costs only this file: it is kept as the reading's failure and the layer goes on
   */
  Result read(String path, InputStream content, long size) throws IOException;

  /** What a reader found in one file. Immutable. */
  interface Result {
    /** Approximate heap the result holds, for the size-bounded layer cache. */
    long retainedBytes();
  }
}
