package dev.vigil.signature;

import java.util.Map;

/**
 * One layer of a cosign {@code sha256-<hex>.sig} manifest: the simple-signing payload blob and
 * the layer's annotations ({@code dev.cosignproject.cosign/signature}, optionally
 * {@code dev.sigstore.cosign/certificate}, {@code dev.sigstore.cosign/chain},
 * {@code dev.sigstore.cosign/bundle}).
 *
 * @param source a human-readable locator, reported in results
 */
public record CosignSignature(String source, byte[] payload, Map<String, String> annotations) {

  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  public static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
  public static final String CHAIN_ANNOTATION = "dev.sigstore.cosign/chain";
  public static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";
  public static final String PAYLOAD_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";

  public CosignSignature {
    payload = payload == null ? new byte[0] : payload.clone();
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
