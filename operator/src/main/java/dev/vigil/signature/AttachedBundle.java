package dev.vigil.signature;

/**
 * A Sigstore bundle (JSON, media type {@code application/vnd.dev.sigstore.bundle…}) attached
 * to an image as an OCI referrer.
 *
 * @param source a human-readable locator, reported in results
 */
public record AttachedBundle(String source, byte[] json) {

  public static final String MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.bundle";

  public AttachedBundle {
    json = json == null ? new byte[0] : json.clone();
  }

  @Override
  public byte[] json() {
    return json.clone();
  }
}
