package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.registry.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-platform image: an OCI index or Docker manifest list over single-platform images.
 *
 * @param format OCI index or Docker manifest list
 * @param images the entries, in order
 * @param content the index JSON as pushed
 * @param digest digest of {@code content}
 */
public record TestIndex(ImageFormat format, List<TestImage> images, byte[] content, String digest) {

  public String mediaType() {
    return format.indexMediaType();
  }

  /** Builds an index; each entry's platform comes from its image. */
  public static final class Builder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageFormat format;
    private final List<TestImage> images = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();

    Builder(ImageFormat format) {
      this.format = format;
    }

    public Builder image(TestImage image) {
      if (image.format() != format) {
        throw new IllegalArgumentException(
            "a " + format + " index cannot list a " + image.format() + " image");
      }
      images.add(image);
      return this;
    }

    public Builder annotation(String name, String value) {
      annotations.put(name, value);
      return this;
    }

    public TestIndex build() {
      ObjectNode root = JSON.createObjectNode();
      root.put("schemaVersion", 2);
      root.put("mediaType", format.indexMediaType());
      ArrayNode manifests = root.putArray("manifests");
      for (TestImage image : images) {
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", image.manifestMediaType());
        entry.put("digest", image.manifestDigest());
        entry.put("size", image.manifest().length);
        ObjectNode platform = entry.putObject("platform");
        platform.put("architecture", image.platform().architecture());
        platform.put("os", image.platform().os());
        String variant = image.platform().variant();
        // Platform normalises arm64/v8 to no variant; registries' indexes usually spell it out.
        if (variant.isEmpty() && image.platform().architecture().equals("arm64")) {
          variant = "v8";
        }
        if (!variant.isEmpty()) {
          platform.put("variant", variant);
        }
      }
      if (!annotations.isEmpty()) {
        ObjectNode node = root.putObject("annotations");
        annotations.forEach(node::put);
      }
      byte[] content = TestImage.Builder.write(root);
      return new TestIndex(format, List.copyOf(images), content, Digest.sha256(content).toString());
    }
  }
}
