package dev.vigil.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RolloutAnnotationTest {

  private static final String FROM = "sha256:" + "a".repeat(64);
  private static final String TO = "sha256:" + "b".repeat(64);
  private static final String JSON =
      "{\"container\":\"web\",\"from\":\""
          + FROM
          + "\",\"to\":\""
          + TO
          + "\",\"previousImage\":\"registry.example.com/team/web:1.4.0\",\"method\":\"PinDigest\","
          + "\"policy\":\"web-updates\",\"startedAt\":\"2026-11-23T01:00:00Z\",\"phase\":\"RollingOut\"}";

  private static final RolloutAnnotation ANNOTATION =
      new RolloutAnnotation(
          "web",
          FROM,
          TO,
          "registry.example.com/team/web:1.4.0",
          RolloutMethod.PinDigest,
          "web-updates",
          Instant.parse("2026-11-23T01:00:00Z"),
          RolloutPhase.RollingOut,
          null);

  @Test
  void formatsFieldsInAFixedOrder() {
    assertEquals(JSON, ANNOTATION.format());
  }

  @Test
  void parsesWhatItFormats() {
    assertEquals(ANNOTATION, RolloutAnnotation.parse(JSON));
    RolloutAnnotation restart =
        new RolloutAnnotation(
            "web",
            FROM,
            TO,
            "web:1",
            RolloutMethod.Restart,
            "p",
            Instant.parse("2026-11-23T01:00:00Z"),
            RolloutPhase.RolledBack,
            "2026-10-01T00:00:00Z");
    assertEquals(restart, RolloutAnnotation.parse(restart.format()));
    assertTrue(restart.format().endsWith(",\"previousRestartedAt\":\"2026-10-01T00:00:00Z\"}"));
  }

  @Test
  void deadlineCountsFromTheStart() {
    assertEquals(
        Instant.parse("2026-11-23T01:10:00Z"), ANNOTATION.deadline(Duration.ofSeconds(600)));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("not JSON", "{container", "not valid JSON: "),
        bad("an array", "[]", "not a JSON object"),
        bad("a string", "\"web\"", "not a JSON object"),
        bad("trailing content", JSON + "{}", "not valid JSON: "),
        bad(
            "duplicate field",
            JSON.replace("{\"container\":\"web\",", "{\"container\":\"web\",\"container\":\"x\","),
            "not valid JSON: Duplicate field 'container'"),
        bad("unknown field", JSON.replace("}", ",\"extra\":\"x\"}"), "unknown field \"extra\""),
        bad(
            "missing field",
            JSON.replace(",\"phase\":\"RollingOut\"", ""),
            "field \"phase\" is missing"),
        bad(
            "number instead of string",
            JSON.replace("\"container\":\"web\"", "\"container\":7"),
            "field \"container\" must be a string, not number"),
        bad(
            "null field",
            JSON.replace("\"policy\":\"web-updates\"", "\"policy\":null"),
            "field \"policy\" must be a string, not null"),
        bad(
            "empty container",
            JSON.replace("\"container\":\"web\"", "\"container\":\"\""),
            "container must not be empty"),
        bad(
            "bad digest",
            JSON.replace(TO, "sha256:xyz"),
            "to: invalid digest \"sha256:xyz\": sha256 needs 64 lower-case hex characters"),
        bad(
            "unknown method",
            JSON.replace("PinDigest", "Auto"),
            "field \"method\" is \"Auto\", not one of [PinDigest, Restart]"),
        bad(
            "unknown phase",
            JSON.replace("RollingOut", "Done"),
            "field \"phase\" is \"Done\", not one of [RollingOut, RolledOut, RolledBack, Failed]"),
        bad(
            "bad time",
            JSON.replace("2026-11-23T01:00:00Z", "yesterday"),
            "field \"startedAt\" is \"yesterday\", not an RFC 3339 UTC time"),
        bad(
            "too long",
            JSON.replace("web-updates", "p".repeat(9000)),
            "it is 9322 characters long, more than the 8192 Vigil writes"));
  }

  private static Arguments bad(String name, String text, String messageStart) {
    return Arguments.of(Named.of(name, text), messageStart);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void refusesMalformedAnnotations(String text, String messageStart) {
    MalformedRolloutAnnotationException e =
        assertThrows(
            MalformedRolloutAnnotationException.class, () -> RolloutAnnotation.parse(text));
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
  }

  @Test
  void readsNothingFromAWorkloadWithoutTheAnnotation() {
    assertEquals(Optional.empty(), RolloutAnnotation.read(deployment(null)));
  }

  @Test
  void readsTheAnnotationFromAWorkload() {
    assertEquals(Optional.of(ANNOTATION), RolloutAnnotation.read(deployment(JSON)));
  }

  @Test
  void malformedAnnotationOnAWorkloadNamesTheWorkload() {
    MalformedRolloutAnnotationException e =
        assertThrows(
            MalformedRolloutAnnotationException.class,
            () -> RolloutAnnotation.read(deployment("{}")));
    assertEquals(
        "annotation vigil.dev/rollout on Deployment shop/web is malformed (remove or fix it; Vigil"
            + " will not overwrite it): field \"container\" is missing",
        e.getMessage());
  }

  private static Deployment deployment(String annotation) {
    DeploymentBuilder builder =
        new DeploymentBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("web")
            .endMetadata();
    if (annotation != null) {
      builder.editMetadata().addToAnnotations(RolloutAnnotation.KEY, annotation).endMetadata();
    }
    return builder.build();
  }
}
