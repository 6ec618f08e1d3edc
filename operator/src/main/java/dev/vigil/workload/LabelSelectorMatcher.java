package dev.vigil.workload;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector evaluated on the client, with the API server's semantics: every
 * {@code matchLabels} pair and every {@code matchExpressions} requirement must hold. {@code In}
 * needs the label with one of the values, {@code NotIn} holds when the label is absent or has
 * none of the values, {@code Exists} and {@code DoesNotExist} test presence only. A null or
 * empty selector matches everything.
 *
 * <p>fabric8 offers no client-side matcher, so this is the small exact one informer caches need.
 */
public final class LabelSelectorMatcher {

  private static final LabelSelectorMatcher EVERYTHING = new LabelSelectorMatcher(List.of());

  private enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }

  private record Requirement(String key, Operator operator, Set<String> values) {

    boolean holds(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case In -> value != null && values.contains(value);
        case NotIn -> value == null || !values.contains(value);
        case Exists -> labels.containsKey(key);
        case DoesNotExist -> !labels.containsKey(key);
      };
    }
  }

  private final List<Requirement> requirements;

  private LabelSelectorMatcher(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * Checks the selector once and returns its matcher.
   *
   * @throws IllegalArgumentException when an expression has an unknown operator, no key, values
   *     where none are allowed ({@code Exists}, {@code DoesNotExist}) or none where they are
   *     required ({@code In}, {@code NotIn}), as the API server rejects those selectors too
   */
  public static LabelSelectorMatcher of(LabelSelector selector) {
    if (selector == null) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    if (selector.getMatchLabels() != null) {
      selector.getMatchLabels().forEach((key, value) -> {
        requireKey(key);
        requirements.add(new Requirement(key, Operator.In, Set.of(value == null ? "" : value)));
      });
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
        requirements.add(requirement(expression));
      }
    }
    return requirements.isEmpty() ? EVERYTHING : new LabelSelectorMatcher(List.copyOf(requirements));
  }

  private static Requirement requirement(LabelSelectorRequirement expression) {
    String key = expression.getKey();
    requireKey(key);
    Operator operator = operator(key, expression.getOperator());
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    boolean needsValues = operator == Operator.In || operator == Operator.NotIn;
    if (needsValues && values.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid label selector: operator " + operator + " on key \"" + key + "\" needs values");
    }
    if (!needsValues && !values.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid label selector: operator " + operator + " on key \"" + key + "\" takes no values");
    }
    Set<String> valueSet = new HashSet<>();
    for (String value : values) {
      valueSet.add(value == null ? "" : value);
    }
    return new Requirement(key, operator, Set.copyOf(valueSet));
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("invalid label selector: empty key");
    }
  }

  private static Operator operator(String key, String text) {
    for (Operator operator : Operator.values()) {
      if (operator.name().equals(text)) {
        return operator;
      }
    }
    throw new IllegalArgumentException(
        "invalid label selector: unknown operator \"" + text + "\" on key \"" + key
            + "\" (expected In, NotIn, Exists or DoesNotExist)");
  }

  /** True when the labels (null = none) satisfy every requirement. */
  public boolean matches(Map<String, String> labels) {
    Map<String, String> present = labels == null ? Map.of() : labels;
    for (Requirement requirement : requirements) {
      if (!requirement.holds(present)) {
        return false;
      }
    }
    return true;
  }

  /** True for a null or empty selector. */
  public boolean matchesEverything() {
    return requirements.isEmpty();
  }
}
