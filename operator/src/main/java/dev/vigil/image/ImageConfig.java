package dev.vigil.image;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image's config blob (OCI {@code application/vnd.oci.image.config.v1+json} or Docker {@code
 * application/vnd.docker.container.image.v1+json}; both share the field names read here). Absent
 * and null fields are normalised: strings become "", lists and maps become empty, so readers never
 * null-check; only {@code created} and {@code healthcheck} may be null because "absent" means
 * something different from any value.
 *
 * @param os operating system, e.g. "linux"
 * @param architecture CPU architecture, e.g. "amd64"
 * @param variant CPU variant, e.g. "v8", or ""
 * @param created when the image was built; null when absent
 * @param author free-form author, or ""
 * @param config the runtime defaults a container starts with
 * @param diffIds rootfs.diff_ids: digests of the uncompressed layers, base first
 * @param history one entry per build step, base first, including steps that made no layer
 */
public record ImageConfig(
    String os,
    String architecture,
    String variant,
    Instant created,
    String author,
    Container config,
    List<String> diffIds,
    List<HistoryEntry> history) {

  public ImageConfig {
    os = orEmpty(os);
    architecture = orEmpty(architecture);
    variant = orEmpty(variant);
    author = orEmpty(author);
    config = config == null ? Container.EMPTY : config;
    diffIds = listOf(diffIds);
    history = listOf(history);
  }

  /**
   * Parses a config blob.
   *
   * @throws InvalidImageConfigException when the bytes are not JSON or a field has the wrong type;
   *     the message names the field
   */
  public static ImageConfig parse(byte[] json) {
    return ImageConfigParser.parse(json);
  }

  /**
   * The runtime defaults ("config" object).
   *
   * @param user USER as written ("", "0", "app", "1000:1000", "root:root")
   * @param env ENV entries as "NAME=value", in image order
   * @param entrypoint ENTRYPOINT argv
   * @param cmd CMD argv
   * @param workingDir WORKDIR, or ""
   * @param exposedPorts ExposedPorts keys as written ("22/tcp", "53/udp", "8080")
   * @param volumes Volumes keys (paths)
   * @param labels Labels; a null label value becomes ""
   * @param healthcheck HEALTHCHECK, null when the image defines none
   * @param stopSignal STOPSIGNAL, or ""
   * @param onBuild ONBUILD instructions
   */
  public record Container(
      String user,
      List<String> env,
      List<String> entrypoint,
      List<String> cmd,
      String workingDir,
      List<String> exposedPorts,
      List<String> volumes,
      Map<String, String> labels,
      Healthcheck healthcheck,
      String stopSignal,
      List<String> onBuild) {

    static final Container EMPTY =
        new Container(null, null, null, null, null, null, null, null, null, null, null);

    public Container {
      user = orEmpty(user);
      env = listOf(env);
      entrypoint = listOf(entrypoint);
      cmd = listOf(cmd);
      workingDir = orEmpty(workingDir);
      exposedPorts = listOf(exposedPorts);
      volumes = listOf(volumes);
      labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
      stopSignal = orEmpty(stopSignal);
      onBuild = listOf(onBuild);
    }

    /**
     * ENV as an ordered name → value map. An entry without "=" has the value ""; when a name
     * repeats, the later entry wins, as it does when a container starts.
     */
    public Map<String, String> environment() {
      Map<String, String> vars = new LinkedHashMap<>();
      for (String entry : env) {
        int eq = entry.indexOf('=');
        if (eq < 0) {
          vars.put(entry, "");
        } else {
          vars.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      return Collections.unmodifiableMap(vars);
    }
  }

  /**
   * HEALTHCHECK.
   *
   * @param test the Test argv: ["NONE"] disables a health check inherited from the base image;
   *     ["CMD", argv...] or ["CMD-SHELL", command] define one; [] inherits (so in a final config it
   *     means none)
   */
  public record Healthcheck(List<String> test) {

    public Healthcheck {
      test = listOf(test);
    }

    /** True when HEALTHCHECK NONE switched health checking off. */
    public boolean disabled() {
      return !test.isEmpty() && test.get(0).equals("NONE");
    }

    /** True when a command is set that the runtime would run. */
    public boolean defined() {
      return !test.isEmpty() && !disabled();
    }
  }

  /**
   * One build step.
   *
   * @param created when the step ran; null when absent
   * @param createdBy the instruction or command line, or ""
   * @param author free-form author, or ""
   * @param comment e.g. "buildkit.dockerfile.v0", or ""
   * @param emptyLayer true when the step produced no layer (so it has no diff_id)
   */
  public record HistoryEntry(
      Instant created, String createdBy, String author, String comment, boolean emptyLayer) {

    public HistoryEntry {
      createdBy = orEmpty(createdBy);
      author = orEmpty(author);
      comment = orEmpty(comment);
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static <T> List<T> listOf(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
