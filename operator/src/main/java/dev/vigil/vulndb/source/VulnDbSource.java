package dev.vigil.vulndb.source;

import java.io.IOException;

/**
 * Where OSV records come from: a directory, a zip file, an HTTP(S) URL, an OCI artifact, or
 * several of these. Opening is cheap when nothing changed (the HTTP source answers from its
 * cache after a 304), so a caller can compare {@link OpenedSource#version()} with the version
 * of its current snapshot before reading any record.
 */
public interface VulnDbSource {

  /** Human-readable description for status and logs, e.g. the URL or path. */
  String description();

  /**
   * Makes the content available (fetching or revalidating a cached copy when remote).
   *
   * @throws IOException when the source as a whole cannot be read; the message says why
   */
  OpenedSource open() throws IOException;
}
