package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.registry.Digest;
import dev.vigil.registry.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI 1.1 artifact manifest (signature, SBOM, attestation) that refers to another manifest
 * through its {@code subject}.
 *
 * @param artifactType the manifest's artifactType
 * @param subjectDigest digest of the manifest it refers to
 * @param blobs the blobs it carries (the empty config "{}" first), pushed before it
 * @param manifest the manifest JSON as pushed
 * @param digest digest of {@code manifest}
 * @param annotations its annotations
 */
public record TestArtifact(
    String artifactType,
    String subjectDigest,
    List<byte[]> blobs,
    byte[] manifest,
    String digest,
    Map<String, String> annotations) {

  /** The OCI empty descriptor's content. */
  public static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);

  /** Builds an artifact manifest with an empty config. */
  public static final class Builder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String artifactType;
    private String subjectMediaType;
    private String subjectDigest;
    private long subjectSize;
    private final List<String> layerMediaTypes = new ArrayList<>();
    private final List<byte[]> layers = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();

    Builder(String artifactType) {
      this.artifactType = artifactType;
    }

    /** The manifest this artifact refers to. */
    public Builder subject(String mediaType, String digest, long size) {
      this.subjectMediaType = mediaType;
      this.subjectDigest = digest;
      this.subjectSize = size;
      return this;
    }

    /** Refers to a test image. */
    public Builder subject(TestImage image) {
      return subject(image.manifestMediaType(), image.manifestDigest(), image.manifest().length);
    }

    /** A payload blob. */
    public Builder blob(String mediaType, byte[] content) {
      layerMediaTypes.add(mediaType);
      layers.add(content);
      return this;
    }

    public Builder annotation(String name, String value) {
      annotations.put(name, value);
      return this;
    }

    public TestArtifact build() {
      if (subjectDigest == null) {
        throw new IllegalStateException("an artifact needs a subject");
      }
      ObjectNode root = JSON.createObjectNode();
      root.put("schemaVersion", 2);
      root.put("mediaType", MediaTypes.OCI_MANIFEST);
      root.put("artifactType", artifactType);
      ObjectNode config = root.putObject("config");
      config.put("mediaType", MediaTypes.OCI_EMPTY);
      config.put("digest", Digest.sha256(EMPTY_JSON).toString());
      config.put("size", EMPTY_JSON.length);
      ArrayNode layerArray = root.putArray("layers");
      for (int i = 0; i < layers.size(); i++) {
        ObjectNode layer = layerArray.addObject();
        layer.put("mediaType", layerMediaTypes.get(i));
        layer.put("digest", Digest.sha256(layers.get(i)).toString());
        layer.put("size", layers.get(i).length);
      }
      ObjectNode subject = root.putObject("subject");
      subject.put("mediaType", subjectMediaType);
      subject.put("digest", subjectDigest);
      subject.put("size", subjectSize);
      if (!annotations.isEmpty()) {
        ObjectNode node = root.putObject("annotations");
        annotations.forEach(node::put);
      }
      byte[] manifest = TestImage.Builder.write(root);
      List<byte[]> blobs = new ArrayList<>();
      blobs.add(EMPTY_JSON);
      blobs.addAll(layers);
      return new TestArtifact(
          artifactType, subjectDigest, List.copyOf(blobs), manifest,
          Digest.sha256(manifest).toString(), Map.copyOf(annotations));
    }
  }
}
