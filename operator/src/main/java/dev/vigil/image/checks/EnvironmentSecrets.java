package dev.vigil.image.checks;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges one environment variable: does its name say it holds a secret while its value is a
 * literal, or does its value have the shape of a known token? Public so that the image ENV check
 * (VIG-IMG-007) and the pod spec env check (VIG-WL-017) judge variables by the same rules.
 */
public final class EnvironmentSecrets {

  private EnvironmentSecrets() {}

  /**
   * Why the variable looks like a secret, e.g. "name suggests a secret", "value looks like a GitHub
   * token"; empty when it does not. The reasons never contain the value.
   */
  public static List<String> reasons(String name, String value) {
    List<String> reasons = new ArrayList<>();
    if (SecretNames.isSecretName(name) && SecretNames.isLiteralValue(value)) {
      reasons.add("name suggests a secret");
    }
    for (String kind : SecretPatterns.kinds(value)) {
      reasons.add("value looks like a " + kind);
    }
    return reasons;
  }
}
