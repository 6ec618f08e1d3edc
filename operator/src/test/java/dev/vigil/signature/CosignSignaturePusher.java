package dev.vigil.signature;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.registry.MediaTypes;
import dev.vigil.testsupport.RegistryPusher;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pushes cosign tag-scheme signatures the way cosign does: one OCI manifest tagged
 * {@code sha256-<hex>.sig} whose layers are the simple-signing payloads, each layer carrying
 * its signature annotations.
 */
public final class CosignSignaturePusher {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CosignSignaturePusher() {}

  public static void push(RegistryPusher pusher, String repository, String imageDigest, List<TestCosignSigner.Signed> signatures)
      throws Exception {
    byte[] config = "{\"architecture\":\"\",\"os\":\"\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    String configDigest = pusher.pushBlob(repository, config);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.putObject("config")
        .put("mediaType", MediaTypes.OCI_CONFIG).put("digest", configDigest).put("size", config.length);
    ArrayNode layers = manifest.putArray("layers");
    for (TestCosignSigner.Signed signed : signatures) {
      byte[] payload = signed.payload();
      ObjectNode layer = layers.addObject();
      layer.put("mediaType", CosignSignature.PAYLOAD_MEDIA_TYPE);
      layer.put("digest", pusher.pushBlob(repository, payload));
      layer.put("size", payload.length);
      ObjectNode annotations = layer.putObject("annotations");
      signed.annotations().forEach(annotations::put);
    }
    pusher.pushManifest(repository, imageDigest.replace(':', '-') + ".sig",
        JSON.writeValueAsBytes(manifest), MediaTypes.OCI_MANIFEST);
  }
}
