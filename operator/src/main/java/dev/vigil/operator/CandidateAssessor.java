package dev.vigil.operator;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.rollout.CandidateAssessment;
import dev.vigil.scan.ScanService;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Compares a candidate's scan with the running image's: what the candidate fixes (vulnerabilities
 * and image findings the running image has and the candidate lacks), what it adds at or above
 * failOn, and whether it is the same image under another manifest (same config and layers).
 */
final class CandidateAssessor {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private CandidateAssessor() {}

  static CandidateAssessment assess(ScanService.Result running, ScanService.Result candidate,
      SeverityThreshold failOn, SignatureInfo.Status signature) {
    boolean identical = running.analysis().config().equals(candidate.analysis().config())
        && running.analysis().layerDigests().equals(candidate.analysis().layerDigests());
    Map<String, Severity> before = issues(running);
    Map<String, Severity> after = issues(candidate);
    Set<String> fixed = new HashSet<>(before.keySet());
    fixed.removeAll(after.keySet());
    long added = after.entrySet().stream()
        .filter(e -> !before.containsKey(e.getKey()) && failOn.isReachedBy(e.getValue()))
        .count();
    return new CandidateAssessment(signature, fixed.size(), (int) added, identical);
  }

  /**
   * Each vulnerability (per package) and image finding (per evidence) with its severity. A
   * language package counts by ecosystem and name, not path: a rebuilt image may move or rename
   * the file (app-1.2.jar to app-1.3.jar) without the vulnerability being new.
   */
  private static Map<String, Severity> issues(ScanService.Result result) {
    Map<String, Severity> out = new TreeMap<>();
    for (VulnerabilityMatch v : result.vulnerabilities()) {
      String key = v.ecosystem() == null ? "vuln|" + v.id() + "|" + v.packageName()
          : "vuln|" + v.id() + "|" + v.ecosystem() + "|" + v.packageName();
      out.merge(key, v.severity(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    for (Finding f : result.analysis().findings()) {
      // Evidence names the layer a file is in; a rebuilt layer gets a new digest although the
      // finding is the same, so digests do not count towards a finding's identity.
      String evidence = DIGEST.matcher(String.valueOf(f.getEvidence())).replaceAll("<layer>");
      out.put("finding|" + f.getId() + "|" + evidence, f.getSeverity());
    }
    return out;
  }
}
