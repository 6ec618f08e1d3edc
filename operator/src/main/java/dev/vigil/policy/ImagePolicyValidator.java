package dev.vigil.policy;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImagePolicySpec.Authority;
import dev.vigil.api.ImagePolicySpec.Identity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks what the CRD schema cannot: globs, regular expressions, durations, cron, time zones,
 * dates, check ids, label selectors and that referenced Secrets and ConfigMaps exist. Each
 * problem names the field, so the Ready condition tells the author exactly what to fix.
 */
public final class ImagePolicyValidator {

  private static final Pattern CHECK_ID = Pattern.compile(ImagePolicySpec.CHECK_ID_PATTERN);
  private static final List<String> SELECTOR_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

  private ImagePolicyValidator() {}

  /** All problems found, each "field: reason"; empty when the spec is valid. */
  public static List<String> validate(ImagePolicySpec spec, ReferenceLookup references) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: is missing");
      return problems;
    }
    if (spec.match != null) {
      globs("spec.match.images", spec.match.images, problems);
      selector("spec.match.namespaceSelector", spec.match.namespaceSelector, problems);
      selector("spec.match.workloadSelector", spec.match.workloadSelector, problems);
    }
    if (spec.registries != null) {
      globs("spec.registries.allowed", spec.registries.allowed, problems);
    }
    if (spec.vulnerabilities != null && spec.vulnerabilities.ignore != null) {
      for (int i = 0; i < spec.vulnerabilities.ignore.size(); i++) {
        ImagePolicySpec.Ignore ignore = spec.vulnerabilities.ignore.get(i);
        String field = "spec.vulnerabilities.ignore[" + i + "]";
        if (ignore.id == null || ignore.id.isBlank()) {
          problems.add(field + ".id: is required");
        }
        if (ignore.expires != null) {
          try {
            LocalDate.parse(ignore.expires);
          } catch (DateTimeParseException e) {
            problems.add(field + ".expires: '" + ignore.expires + "' is not a date (YYYY-MM-DD)");
          }
        }
      }
    }
    if (spec.checks != null) {
      checkIds("spec.checks.exclude", spec.checks.exclude, problems);
      if (spec.checks.severity != null) {
        checkIds("spec.checks.severity", new ArrayList<>(spec.checks.severity.keySet()), problems);
      }
      if (spec.checks.maxImageAge != null) {
        duration("spec.checks.maxImageAge", spec.checks.maxImageAge, problems);
      }
    }
    if (spec.signatures != null) {
      signatures(spec.signatures, references, problems);
    }
    if (spec.updates != null && spec.updates.window != null) {
      ImagePolicySpec.Window window = spec.updates.window;
      try {
        CronText.parse(window.schedule);
      } catch (IllegalArgumentException e) {
        problems.add("spec.updates.window.schedule: " + e.getMessage());
      }
      duration("spec.updates.window.duration", window.duration, problems);
      try {
        CronText.zone(window.timeZone);
      } catch (IllegalArgumentException e) {
        problems.add("spec.updates.window.timeZone: " + e.getMessage());
      }
    }
    return problems;
  }

  private static void signatures(
      ImagePolicySpec.Signatures signatures, ReferenceLookup references, List<String> problems) {
    List<Authority> authorities = signatures.authorities == null ? List.of() : signatures.authorities;
    if (signatures.mode != ImagePolicySpec.Signatures.Mode.Off && authorities.isEmpty()) {
      problems.add("spec.signatures.authorities: needs at least one authority when mode is " + signatures.mode);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < authorities.size(); i++) {
      Authority a = authorities.get(i);
      String field = "spec.signatures.authorities[" + i + "]";
      if (a.name == null || !names.add(a.name)) {
        problems.add(field + ".name: must be set and unique");
      }
      if ((a.key == null) == (a.keyless == null)) {
        problems.add(field + ": needs exactly one of key or keyless");
      }
      if (a.key != null) {
        int sources = (a.key.secretRef != null ? 1 : 0) + (a.key.configMapRef != null ? 1 : 0)
            + (a.key.data != null ? 1 : 0);
        if (sources != 1) {
          problems.add(field + ".key: needs exactly one of secretRef, configMapRef or data");
        }
        if (a.key.secretRef != null) {
          reference(field + ".key.secretRef", ReferenceLookup.Kind.Secret,
              a.key.secretRef.name, a.key.secretRef.key, references, problems);
        }
        if (a.key.configMapRef != null) {
          reference(field + ".key.configMapRef", ReferenceLookup.Kind.ConfigMap,
              a.key.configMapRef.name, a.key.configMapRef.key, references, problems);
        }
      }
      if (a.keyless != null) {
        List<Identity> identities = a.keyless.identities == null ? List.of() : a.keyless.identities;
        if (identities.isEmpty()) {
          problems.add(field + ".keyless.identities: must name at least one identity (never 'any identity')");
        }
        for (int j = 0; j < identities.size(); j++) {
          identity(field + ".keyless.identities[" + j + "]", identities.get(j), problems);
        }
        if (a.keyless.trustedRootRef != null && a.keyless.trustedRootRef.configMapRef != null) {
          reference(field + ".keyless.trustedRootRef.configMapRef", ReferenceLookup.Kind.ConfigMap,
              a.keyless.trustedRootRef.configMapRef.name, a.keyless.trustedRootRef.configMapRef.key,
              references, problems);
        }
      }
    }
  }

  private static void identity(String field, Identity id, List<String> problems) {
    if (id.issuer == null || id.issuer.isBlank()) {
      problems.add(field + ".issuer: is required");
    }
    if ((id.subject == null) == (id.subjectRegExp == null)) {
      problems.add(field + ": needs exactly one of subject or subjectRegExp");
    }
    regex(field + ".subjectRegExp", id.subjectRegExp, problems);
  }

  private static void regex(String field, String regex, List<String> problems) {
    if (regex == null) {
      return;
    }
    if (regex.isEmpty()) {
      problems.add(field + ": must not be empty");
      return;
    }
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      problems.add(field + ": invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
      return;
    }
    if (!regex.startsWith("^") || !regex.endsWith("$")) {
      // Unanchored identity patterns are the classic way to trust far more than intended.
      problems.add(field + ": must be anchored with ^ and $");
    }
  }

  private static void reference(String field, ReferenceLookup.Kind kind, String name, String key,
      ReferenceLookup references, List<String> problems) {
    if (name == null || key == null) {
      problems.add(field + ": needs name and key");
      return;
    }
    String problem = references.problem(kind, name, key);
    if (problem != null) {
      problems.add(field + ": " + problem);
    }
  }

  private static void globs(String field, List<String> globs, List<String> problems) {
    if (globs == null) {
      return;
    }
    for (int i = 0; i < globs.size(); i++) {
      try {
        ImageGlob.compile(globs.get(i));
      } catch (IllegalArgumentException e) {
        problems.add(field + "[" + i + "]: " + e.getMessage());
      }
    }
  }

  private static void checkIds(String field, List<String> ids, List<String> problems) {
    if (ids == null) {
      return;
    }
    for (String id : ids) {
      if (id == null || !CHECK_ID.matcher(id).matches()) {
        problems.add(field + ": '" + id + "' is not a check id like VIG-IMG-002");
      }
    }
  }

  private static void duration(String field, String text, List<String> problems) {
    try {
      DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }

  /** Label selectors: the operators the API server accepts, and values only where allowed. */
  static void selector(String field, LabelSelector selector, List<String> problems) {
    if (selector == null) {
      return;
    }
    if (selector.getMatchExpressions() == null) {
      return;
    }
    for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
      LabelSelectorRequirement r = selector.getMatchExpressions().get(i);
      String f = field + ".matchExpressions[" + i + "]";
      if (r.getKey() == null || r.getKey().isBlank()) {
        problems.add(f + ".key: is required");
      }
      if (!SELECTOR_OPERATORS.contains(r.getOperator())) {
        problems.add(f + ".operator: '" + r.getOperator() + "' is not one of " + SELECTOR_OPERATORS);
        continue;
      }
      boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
      boolean needsValues = r.getOperator().equals("In") || r.getOperator().equals("NotIn");
      if (needsValues != hasValues) {
        problems.add(f + ".values: " + (needsValues ? "must not be empty for " : "must be empty for ") + r.getOperator());
      }
    }
  }

  /** Exposes label-selector validation to other validators. */
  public static List<String> validateSelector(String field, LabelSelector selector) {
    List<String> problems = new ArrayList<>();
    selector(field, selector, problems);
    return problems;
  }

}
