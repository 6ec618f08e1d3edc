package dev.vigil.vulndb.source;

/** Receives the raw documents of a source. */
public interface OsvDocumentSink {

  /**
   * One document.
   *
   * @param origin where it came from, e.g. "Debian/all.zip!DSA-3029-1.json"
   * @param content the bytes of the JSON document
   */
  void document(String origin, byte[] content);

  /** An entry that exists but could not be read (corrupt, truncated, too large). */
  void unreadable(String origin, String reason);
}
