package dev.vigil.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorMatcherTest {

  private static final Map<String, String> WEB_PROD = Map.of("app", "web", "env", "prod");
  private static final Map<String, String> WEB_NO_ENV = Map.of("app", "web");

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder().addNewMatchExpression()
        .withKey(key).withOperator(operator).withValues(List.of(values)).endMatchExpression().build();
  }

  @Test
  void nullAndEmptySelectorsMatchEverythingIncludingNoLabels() {
    assertTrue(LabelSelectorMatcher.of(null).matches(null));
    assertTrue(LabelSelectorMatcher.of(new LabelSelector()).matches(WEB_PROD));
    assertTrue(LabelSelectorMatcher.of(new LabelSelector()).matchesEverything());
  }

  @Test
  void matchLabelsNeedsEveryPairWithTheSameValue() {
    LabelSelectorMatcher m = LabelSelectorMatcher.of(
        new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web", "env", "prod")).build());
    assertTrue(m.matches(Map.of("app", "web", "env", "prod", "extra", "x")));
    assertFalse(m.matches(WEB_NO_ENV));
    assertFalse(m.matches(Map.of("app", "web", "env", "dev")));
    assertFalse(m.matches(null));
  }

  @Test
  void inNeedsTheLabelWithOneOfTheValues() {
    LabelSelectorMatcher m = LabelSelectorMatcher.of(expression("env", "In", "prod", "staging"));
    assertTrue(m.matches(WEB_PROD));
    assertFalse(m.matches(Map.of("env", "dev")));
    assertFalse(m.matches(WEB_NO_ENV));
  }

  @Test
  void notInHoldsWhenTheLabelIsAbsentOrHasNoneOfTheValues() {
    LabelSelectorMatcher m = LabelSelectorMatcher.of(expression("env", "NotIn", "prod"));
    assertFalse(m.matches(WEB_PROD));
    assertTrue(m.matches(Map.of("env", "dev")));
    assertTrue(m.matches(WEB_NO_ENV));
  }

  @Test
  void existsAndDoesNotExistTestPresenceOnly() {
    assertTrue(LabelSelectorMatcher.of(expression("env", "Exists")).matches(Map.of("env", "")));
    assertFalse(LabelSelectorMatcher.of(expression("env", "Exists")).matches(WEB_NO_ENV));
    assertTrue(LabelSelectorMatcher.of(expression("env", "DoesNotExist")).matches(WEB_NO_ENV));
    assertFalse(LabelSelectorMatcher.of(expression("env", "DoesNotExist")).matches(Map.of("env", "")));
  }

  @Test
  void matchLabelsAndExpressionsMustAllHold() {
    LabelSelector selector = new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web"))
        .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod").endMatchExpression()
        .addNewMatchExpression().withKey("canary").withOperator("DoesNotExist").endMatchExpression()
        .build();
    LabelSelectorMatcher m = LabelSelectorMatcher.of(selector);
    assertTrue(m.matches(WEB_PROD));
    assertFalse(m.matches(Map.of("app", "web", "env", "prod", "canary", "true")));
    assertFalse(m.matches(Map.of("app", "api", "env", "prod")));
  }

  @Test
  void malformedExpressionsAreRejectedWithTheReason() {
    assertEquals("invalid label selector: unknown operator \"Gt\" on key \"size\""
            + " (expected In, NotIn, Exists or DoesNotExist)",
        assertThrows(IllegalArgumentException.class,
            () -> LabelSelectorMatcher.of(expression("size", "Gt", "3"))).getMessage());
    assertEquals("invalid label selector: unknown operator \"in\" on key \"env\""
            + " (expected In, NotIn, Exists or DoesNotExist)",
        assertThrows(IllegalArgumentException.class,
            () -> LabelSelectorMatcher.of(expression("env", "in", "prod"))).getMessage());
    assertEquals("invalid label selector: operator In on key \"env\" needs values",
        assertThrows(IllegalArgumentException.class,
            () -> LabelSelectorMatcher.of(expression("env", "In"))).getMessage());
    assertEquals("invalid label selector: operator Exists on key \"env\" takes no values",
        assertThrows(IllegalArgumentException.class,
            () -> LabelSelectorMatcher.of(expression("env", "Exists", "prod"))).getMessage());
    assertEquals("invalid label selector: empty key",
        assertThrows(IllegalArgumentException.class,
            () -> LabelSelectorMatcher.of(expression("", "Exists"))).getMessage());
  }
}
