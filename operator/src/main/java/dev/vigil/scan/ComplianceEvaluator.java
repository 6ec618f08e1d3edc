package dev.vigil.scan;

import dev.vigil.api.Finding;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.Severity;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.vulndb.LanguageEcosystems;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies every matching ImagePolicy to an image's findings: each policy judges with its own
 * threshold, exceptions and exclusions, and the image is compliant only if all of them agree
 * (the strictest result wins). An exception stops applying on its expiry date without any edit.
 */
public final class ComplianceEvaluator {

  private ComplianceEvaluator() {}

  /**
   * @param signature the image's signature result, null when no policy asks for signatures
   * @param today the date exceptions are judged against (UTC)
   */
  public static Compliance evaluate(List<NamedPolicy> policies, List<VulnerabilityMatch> vulnerabilities,
      List<Finding> findings, SignatureInfo signature, LocalDate today) {
    if (policies.isEmpty()) {
      return new Compliance(true, List.of(), List.of(), vulnerabilities);
    }
    Set<String> reasons = new LinkedHashSet<>();
    Set<VulnerabilityMatch> counted = new LinkedHashSet<>();
    List<String> names = new ArrayList<>();
    for (NamedPolicy policy : policies) {
      names.add(policy.name());
      ImagePolicySpec spec = policy.spec();
      ImagePolicySpec.Vulnerabilities v = spec.vulnerabilities == null
          ? new ImagePolicySpec.Vulnerabilities() : spec.vulnerabilities;
      SeverityThreshold failOn = v.failOn == null ? SeverityThreshold.High : v.failOn;
      Map<Severity, Integer> failing = new EnumMap<>(Severity.class);
      for (VulnerabilityMatch match : vulnerabilities) {
        if (ignored(match, v, today)) {
          continue;
        }
        counted.add(match);
        if (failOn.isReachedBy(match.severity())) {
          failing.merge(match.severity(), 1, Integer::sum);
        }
      }
      failing.forEach((severity, n) ->
          reasons.add(n + " " + severity + (n == 1 ? " vulnerability" : " vulnerabilities")));
      ImagePolicySpec.Checks checks = spec.checks == null ? new ImagePolicySpec.Checks() : spec.checks;
      for (Finding finding : findings) {
        if (checks.exclude != null && checks.exclude.contains(finding.getId())) {
          continue;
        }
        Severity severity = checks.severity != null && checks.severity.containsKey(finding.getId())
            ? checks.severity.get(finding.getId()) : finding.getSeverity();
        if (failOn.isReachedBy(severity)) {
          reasons.add(finding.getId() + " (" + severity + "): " + finding.getTitle());
        }
      }
      if (spec.signatures != null && spec.signatures.mode == ImagePolicySpec.Signatures.Mode.Enforce) {
        if (signature == null || signature.status != SignatureInfo.Status.Verified) {
          reasons.add(signatureReason(signature));
        }
      }
    }
    return new Compliance(reasons.isEmpty(), List.copyOf(names), List.copyOf(reasons), List.copyOf(counted));
  }

  private static String signatureReason(SignatureInfo signature) {
    if (signature == null || signature.status == null) {
      return "signature not checked";
    }
    return switch (signature.status) {
      case Unsigned -> "unsigned";
      case Invalid -> "signature invalid" + (signature.reason == null ? "" : ": " + signature.reason);
      case Error -> "signature could not be checked" + (signature.reason == null ? "" : ": " + signature.reason);
      default -> "signature " + signature.status;
    };
  }

  /** An unreadable date counts as already expired: a bad exception never hides a finding. */
  private static LocalDate expiry(String text) {
    try {
      return LocalDate.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return LocalDate.MIN;
    }
  }

  /**
   * Whether an ignore entry's package names the match's package: the OS binary or source name
   * exactly; for a language package its name, alone or as "ECOSYSTEM/name", compared as the
   * ecosystem compares names (PyPI's {@code Flask_SQLAlchemy} is {@code flask-sqlalchemy}).
   */
  static boolean namesPackage(String named, VulnerabilityMatch match) {
    if (named == null) {
      return false;
    }
    if (match.ecosystem() == null) {
      return named.equals(match.packageName()) || named.equals(match.sourcePackage());
    }
    String name = named;
    String prefix = match.ecosystem() + "/";
    if (named.startsWith(prefix)) {
      name = named.substring(prefix.length());
    } else {
      int slash = named.indexOf('/');
      if (slash > 0 && LanguageEcosystems.isLanguageEcosystem(named.substring(0, slash))) {
        return false; // another ecosystem's package of that name
      }
    }
    if (name.isBlank()) {
      return false;
    }
    return LanguageEcosystems.normaliseName(match.ecosystem(), name)
        .equals(LanguageEcosystems.normaliseName(match.ecosystem(), match.packageName()));
  }

  /** True when the policy does not count this vulnerability. */
  static boolean ignored(VulnerabilityMatch match, ImagePolicySpec.Vulnerabilities v, LocalDate today) {
    if (Boolean.TRUE.equals(v.ignoreUnfixed) && !match.fixable()) {
      return true;
    }
    if (v.ignore == null) {
      return false;
    }
    for (ImagePolicySpec.Ignore rule : v.ignore) {
      if (rule.id == null) {
        continue;
      }
      boolean idMatches = rule.id.equals(match.id()) || match.aliases().contains(rule.id);
      boolean packageMatches = rule.packages == null || rule.packages.isEmpty()
          || rule.packages.stream().anyMatch(named -> namesPackage(named, match));
      boolean inForce = rule.expires == null || today.isBefore(expiry(rule.expires));
      if (idMatches && packageMatches && inForce) {
        return true;
      }
    }
    return false;
  }
}
