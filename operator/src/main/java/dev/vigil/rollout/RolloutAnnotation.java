package dev.vigil.rollout;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.registry.Digest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rollout state Vigil keeps on the workload itself, in the annotation {@value #KEY}, so that a
 * restarted operator resumes (or rolls back) a rollout and never starts one twice:
 *
 * <pre>{@code
 * {"container":"web","from":"sha256:...","to":"sha256:...","previousImage":"registry/app:1.4",
 *  "method":"PinDigest","policy":"default","startedAt":"2026-11-23T01:00:00Z","phase":"RollingOut"}
 * }</pre>
 *
 * {@code previousRestartedAt} is added for a Restart rollout when the pod template already had a
 * {@value #RESTARTED_AT} annotation, so a rollback restores it. Parsing is strict: unknown or
 * missing fields, wrong types, bad digests or times make the annotation malformed.
 *
 * @param container the container that is moved
 * @param from the digest it ran before
 * @param to the digest it is moved to
 * @param previousImage the container's image string before, exactly as written
 * @param method how it is moved
 * @param policy the ImagePolicy that allowed it
 * @param startedAt when the workload was patched
 * @param phase where the rollout stands
 * @param previousRestartedAt the pod template's {@value #RESTARTED_AT} before a Restart rollout;
 *     null when there was none (or for PinDigest)
 */
public record RolloutAnnotation(
    String container,
    String from,
    String to,
    String previousImage,
    RolloutMethod method,
    String policy,
    Instant startedAt,
    RolloutPhase phase,
    String previousRestartedAt) {

  /** The workload annotation holding the JSON. */
  public static final String KEY = "vigil.dev/rollout";

  /** The pod-template annotation a Restart rollout sets (to the start time). */
  public static final String RESTARTED_AT = "vigil.dev/restartedAt";

  /** Annotations are small; anything larger than this was not written by Vigil. */
  static final int MAX_LENGTH = 8192;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> REQUIRED =
      Set.of("container", "from", "to", "previousImage", "method", "policy", "startedAt", "phase");
  private static final String OPTIONAL = "previousRestartedAt";

  public RolloutAnnotation {
    requireText("container", container);
    requireDigest("from", from);
    requireDigest("to", to);
    requireText("previousImage", previousImage);
    Objects.requireNonNull(method, "method");
    requireText("policy", policy);
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(phase, "phase");
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
  }

  private static void requireDigest(String field, String value) {
    requireText(field, value);
    try {
      Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  /**
   * The annotation on a workload, or empty when it has none.
   *
   * @throws MalformedRolloutAnnotationException naming the workload and what is wrong
   */
  public static Optional<RolloutAnnotation> read(HasMetadata workload) {
    Map<String, String> annotations = workload.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(KEY);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(text));
    } catch (MalformedRolloutAnnotationException e) {
      throw new MalformedRolloutAnnotationException(
          "annotation "
              + KEY
              + " on "
              + workload.getKind()
              + " "
              + workload.getMetadata().getNamespace()
              + "/"
              + workload.getMetadata().getName()
              + " is malformed (remove or fix it; Vigil will not overwrite it): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Parses the annotation's JSON strictly.
   *
   * @throws MalformedRolloutAnnotationException saying what is wrong
   */
  public static RolloutAnnotation parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new MalformedRolloutAnnotationException(
          "it is "
              + text.length()
              + " characters long, more than the "
              + MAX_LENGTH
              + " Vigil writes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedRolloutAnnotationException("not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedRolloutAnnotationException("not a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!REQUIRED.contains(name) && !name.equals(OPTIONAL)) {
        throw new MalformedRolloutAnnotationException("unknown field \"" + name + "\"");
      }
    }
    for (String name : REQUIRED.stream().sorted().toList()) {
      if (!root.has(name)) {
        throw new MalformedRolloutAnnotationException("field \"" + name + "\" is missing");
      }
    }
    try {
      return new RolloutAnnotation(
          text(root, "container"),
          text(root, "from"),
          text(root, "to"),
          text(root, "previousImage"),
          enumValue(RolloutMethod.class, root, "method"),
          text(root, "policy"),
          instant(root, "startedAt"),
          enumValue(RolloutPhase.class, root, "phase"),
          root.has(OPTIONAL) ? text(root, OPTIONAL) : null);
    } catch (MalformedRolloutAnnotationException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new MalformedRolloutAnnotationException(e.getMessage(), e);
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (!node.isTextual()) {
      throw new MalformedRolloutAnnotationException(
          "field \""
              + field
              + "\" must be a string, not "
              + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return node.textValue();
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode root, String field) {
    String value = text(root, field);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(value)) {
        return constant;
      }
    }
    throw new MalformedRolloutAnnotationException(
        "field \""
            + field
            + "\" is \""
            + value
            + "\", not one of "
            + java.util.Arrays.toString(type.getEnumConstants()));
  }

  private static Instant instant(JsonNode root, String field) {
    String value = text(root, field);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new MalformedRolloutAnnotationException(
          "field \"" + field + "\" is \"" + value + "\", not an RFC 3339 UTC time", e);
    }
  }

  /** The annotation's JSON, fields in a fixed order. */
  public String format() {
    ObjectNode root = JSON.createObjectNode();
    root.put("container", container);
    root.put("from", from);
    root.put("to", to);
    root.put("previousImage", previousImage);
    root.put("method", method.name());
    root.put("policy", policy);
    root.put("startedAt", startedAt.toString());
    root.put("phase", phase.name());
    if (previousRestartedAt != null) {
      root.put(OPTIONAL, previousRestartedAt);
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write rollout annotation", e);
    }
  }

  /** The same rollout in another phase. */
  public RolloutAnnotation withPhase(RolloutPhase newPhase) {
    return new RolloutAnnotation(
        container,
        from,
        to,
        previousImage,
        method,
        policy,
        startedAt,
        newPhase,
        previousRestartedAt);
  }

  /** When Vigil gives up waiting: {@code startedAt} plus the policy's progress deadline. */
  public Instant deadline(Duration progressDeadline) {
    return startedAt.plus(progressDeadline);
  }
}
