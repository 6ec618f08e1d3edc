package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.registry.Digest;
import dev.vigil.registry.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A single-platform image built in memory: layers, config JSON and manifest, with digests.
 *
 * @param format OCI or Docker media types
 * @param platform the config's os/architecture/variant
 * @param layers the layers, base first
 * @param config the config JSON as pushed
 * @param configDigest digest of {@code config}
 * @param manifest the manifest JSON as pushed
 * @param manifestDigest digest of {@code manifest}: the image digest
 */
public record TestImage(
    ImageFormat format,
    Platform platform,
    List<TestLayer> layers,
    byte[] config,
    String configDigest,
    byte[] manifest,
    String manifestDigest) {

  public String manifestMediaType() {
    return format.manifestMediaType();
  }

  public String configMediaType() {
    return format.configMediaType();
  }

  /** The layer blob digests, base first. */
  public List<String> layerDigests() {
    return layers.stream().map(TestLayer::digest).toList();
  }

  /** Builds the config and manifest of a test image. */
  public static final class Builder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageFormat format = ImageFormat.OCI;
    private Platform platform = Platform.LINUX_AMD64;
    private final List<TestLayer> layers = new ArrayList<>();
    private final List<String[]> history = new ArrayList<>();
    private final List<Boolean> historyEmpty = new ArrayList<>();
    private Instant created = TestLayer.DEFAULT_MTIME;
    private String user;
    private String workingDir;
    private final List<String> env = new ArrayList<>();
    private final List<String> exposedPorts = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<String> volumes = new ArrayList<>();
    private List<String> entrypoint;
    private List<String> cmd;
    private List<String> healthcheckTest;
    private Duration healthcheckInterval;
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private Consumer<ObjectNode> configCustomizer = c -> {};

    Builder() {}

    public Builder format(ImageFormat format) {
      this.format = format;
      return this;
    }

    /** The config's os/architecture/variant (default linux/amd64). */
    public Builder platform(String platform) {
      this.platform = Platform.parse(platform);
      return this;
    }

    /** Appends a built layer. */
    public Builder layer(TestLayer layer) {
      layers.add(layer);
      return this;
    }

    /** Appends a gzip layer built by {@code content}. */
    public Builder layer(Consumer<TestLayer.Builder> content) {
      TestLayer.Builder builder = new TestLayer.Builder();
      content.accept(builder);
      return layer(builder.build());
    }

    /**
     * Appends a history entry. Entries with {@code emptyLayer} false are matched with layers in
     * order; when no history is given, one entry per layer is generated.
     */
    public Builder history(String createdBy, boolean emptyLayer) {
      history.add(new String[] {createdBy});
      historyEmpty.add(emptyLayer);
      return this;
    }

    public Builder created(Instant created) {
      this.created = created;
      return this;
    }

    public Builder user(String user) {
      this.user = user;
      return this;
    }

    public Builder workingDir(String dir) {
      this.workingDir = dir;
      return this;
    }

    /** One "NAME=value" environment entry. */
    public Builder env(String nameEqualsValue) {
      env.add(nameEqualsValue);
      return this;
    }

    /** An exposed port such as "8080/tcp". */
    public Builder exposedPort(String port) {
      exposedPorts.add(port);
      return this;
    }

    public Builder label(String name, String value) {
      labels.put(name, value);
      return this;
    }

    public Builder volume(String path) {
      volumes.add(path);
      return this;
    }

    public Builder entrypoint(String... args) {
      this.entrypoint = List.of(args);
      return this;
    }

    public Builder cmd(String... args) {
      this.cmd = List.of(args);
      return this;
    }

    /** A HEALTHCHECK, e.g. {@code healthcheck(Duration.ofSeconds(30), "CMD", "curl", "-f", "http://localhost/")}. */
    public Builder healthcheck(Duration interval, String... test) {
      this.healthcheckTest = List.of(test);
      this.healthcheckInterval = interval;
      return this;
    }

    /** A manifest annotation. */
    public Builder annotation(String name, String value) {
      annotations.put(name, value);
      return this;
    }

    /** Last-minute changes to the config JSON (for malformed or unusual configs). */
    public Builder customizeConfig(Consumer<ObjectNode> customizer) {
      this.configCustomizer = customizer;
      return this;
    }

    public TestImage build() {
      byte[] config = configJson();
      String configDigest = Digest.sha256(config).toString();
      byte[] manifest = manifestJson(config, configDigest);
      return new TestImage(
          format, platform, List.copyOf(layers), config, configDigest, manifest,
          Digest.sha256(manifest).toString());
    }

    private byte[] configJson() {
      ObjectNode root = JSON.createObjectNode();
      root.put("created", created.toString());
      root.put("architecture", platform.architecture());
      root.put("os", platform.os());
      if (!platform.variant().isEmpty()) {
        root.put("variant", platform.variant());
      }
      ObjectNode config = root.putObject("config");
      if (user != null) {
        config.put("User", user);
      }
      if (!exposedPorts.isEmpty()) {
        ObjectNode ports = config.putObject("ExposedPorts");
        exposedPorts.forEach(p -> ports.putObject(p));
      }
      if (!env.isEmpty()) {
        ArrayNode envNode = config.putArray("Env");
        env.forEach(envNode::add);
      }
      if (entrypoint != null) {
        ArrayNode node = config.putArray("Entrypoint");
        entrypoint.forEach(node::add);
      }
      if (cmd != null) {
        ArrayNode node = config.putArray("Cmd");
        cmd.forEach(node::add);
      }
      if (healthcheckTest != null) {
        ObjectNode health = config.putObject("Healthcheck");
        ArrayNode test = health.putArray("Test");
        healthcheckTest.forEach(test::add);
        health.put("Interval", healthcheckInterval.toNanos());
      }
      if (!volumes.isEmpty()) {
        ObjectNode node = config.putObject("Volumes");
        volumes.forEach(v -> node.putObject(v));
      }
      if (workingDir != null) {
        config.put("WorkingDir", workingDir);
      }
      if (!labels.isEmpty()) {
        ObjectNode node = config.putObject("Labels");
        labels.forEach(node::put);
      }
      ObjectNode rootfs = root.putObject("rootfs");
      rootfs.put("type", "layers");
      ArrayNode diffIds = rootfs.putArray("diff_ids");
      layers.forEach(l -> diffIds.add(l.diffId()));
      ArrayNode historyNode = root.putArray("history");
      if (history.isEmpty()) {
        for (int i = 0; i < layers.size(); i++) {
          ObjectNode entry = historyNode.addObject();
          entry.put("created", created.toString());
          entry.put("created_by", "layer " + i);
        }
      } else {
        for (int i = 0; i < history.size(); i++) {
          ObjectNode entry = historyNode.addObject();
          entry.put("created", created.toString());
          entry.put("created_by", history.get(i)[0]);
          if (historyEmpty.get(i)) {
            entry.put("empty_layer", true);
          }
        }
      }
      configCustomizer.accept(root);
      return write(root);
    }

    private byte[] manifestJson(byte[] config, String configDigest) {
      ObjectNode root = JSON.createObjectNode();
      root.put("schemaVersion", 2);
      root.put("mediaType", format.manifestMediaType());
      ObjectNode configDescriptor = root.putObject("config");
      configDescriptor.put("mediaType", format.configMediaType());
      configDescriptor.put("digest", configDigest);
      configDescriptor.put("size", config.length);
      ArrayNode layerArray = root.putArray("layers");
      for (TestLayer layer : layers) {
        ObjectNode descriptor = layerArray.addObject();
        descriptor.put("mediaType", format.layerMediaType(layer.compression()));
        descriptor.put("digest", layer.digest());
        descriptor.put("size", layer.size());
      }
      if (!annotations.isEmpty()) {
        ObjectNode node = root.putObject("annotations");
        annotations.forEach(node::put);
      }
      return write(root);
    }

    static byte[] write(ObjectNode node) {
      try {
        return JSON.writeValueAsBytes(node);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
