package dev.vigil.vulndb.source;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** The content of a source at one version, ready to be read. Close it when done. */
public interface OpenedSource extends Closeable {

  /**
   * Token that changes whenever the content changes: an HTTP ETag, a content digest, or a
   * digest of file names, sizes and modification times.
   */
  String version();

  /**
   * Problems that did not stop the source from being read, e.g. a failed refresh that fell
   * back to the cached copy.
   */
  List<String> warnings();

  /**
   * Hands every record document to the sink, in a stable order. Entries that cannot be read
   * are reported to the sink and skipped.
   *
   * @throws IOException when reading cannot go on at all
   */
  void read(OsvDocumentSink sink) throws IOException;

  @Override
  void close() throws IOException;
}
