package dev.vigil.registry;

/**
 * A manifest or index exactly as the registry served it.
 *
 * @param digest digest of {@code content}, verified against the requested digest when the
 *     manifest was fetched by digest
 * @param mediaType media type (from the document's own "mediaType" field, else the
 *     Content-Type header)
 * @param content the bytes as served; signatures and digests are computed over these
 */
public record RawManifest(String digest, String mediaType, byte[] content) {

  /** The content as text (manifests are UTF-8 JSON). */
  public String text() {
    return new String(content, java.nio.charset.StandardCharsets.UTF_8);
  }
}
