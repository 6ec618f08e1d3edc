package dev.vigil.vulndb.source;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Keeps what a source delivered, in order. */
final class CollectingSink implements OsvDocumentSink {
  final Map<String, String> documents = new LinkedHashMap<>();
  final Map<String, String> unreadable = new LinkedHashMap<>();

  @Override
  public void document(String origin, byte[] content) {
    documents.put(origin, new String(content, StandardCharsets.UTF_8));
  }

  @Override
  public void unreadable(String origin, String reason) {
    unreadable.put(origin, reason);
  }
}
