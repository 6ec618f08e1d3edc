package dev.vigil.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.api.Finding;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.Severity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints scan results as a table, YAML or JSON statuses, or SARIF 2.1.0 for code scanning. */
final class ScanOutput {

  /** One scanned image: the reference as given, its status, and whether it fails the gate. */
  record Result(String image, ImageReportStatus status, boolean failed) {}

  /**
   * Writes what the Kubernetes serializer writes for these types (non-null properties, dates
   * as text), without loading the Kubernetes client's serialization for a scan on a CI runner.
   */
  static final ObjectMapper JSON = new ObjectMapper()
      .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ScanOutput() {}

  static void write(ScanCommand.OutputFormat format, List<Result> results, PrintWriter out)
      throws JsonProcessingException {
    switch (format) {
      case json -> out.println(JSON.writeValueAsString(
          results.size() == 1 ? results.get(0).status() : results.stream().map(Result::status).toList()));
      case yaml -> results.forEach(r -> out.print(Serialization.asYaml(r.status())));
      case sarif -> out.println(JSON.writeValueAsString(sarif(results)));
      case table -> results.forEach(r -> table(r, out));
    }
  }

  private static void table(Result r, PrintWriter out) {
    ImageReportStatus s = r.status();
    out.println("IMAGE      " + s.image.reference);
    out.println("DIGEST     " + s.image.digest + (s.image.platform == null ? "" : "  " + s.image.platform));
    if (s.image.os != null) {
      out.println("OS         " + s.image.os.family + " " + (s.image.os.version == null ? "?" : s.image.os.version)
          + (Boolean.TRUE.equals(s.image.os.endOfLife) ? "  (END OF LIFE)" : ""));
    } else {
      out.println("OS         unknown");
    }
    if (s.image.created != null) {
      out.println("CREATED    " + s.image.created);
    }
    out.println("VULNS      Critical " + s.summary.critical + "  High " + s.summary.high + "  Medium "
        + s.summary.medium + "  Low " + s.summary.low + "  Unknown " + s.summary.unknown
        + "  (fixable " + s.summary.fixable + ")"
        + (s.scan.vulnerabilityDb == null ? "  [no vulnerability data]" : ""));
    if (!s.vulnerabilities.isEmpty()) {
      out.println();
      // TYPE is the language package's ecosystem or "os"; PATH only when a language package is listed.
      boolean paths = s.vulnerabilities.stream().anyMatch(v -> v.path != null);
      List<String> header = new java.util.ArrayList<>(
          List.of("ID", "SEVERITY", "TYPE", "PACKAGE", "INSTALLED", "FIXED", "TITLE"));
      if (paths) {
        header.add("PATH");
      }
      rows(out, header, s.vulnerabilities.stream().map(v -> {
        List<String> row = new java.util.ArrayList<>(List.of(v.id, String.valueOf(v.severity),
            v.ecosystem == null ? "os" : v.ecosystem, v.packageName, v.installedVersion,
            v.fixedVersion == null ? "-" : v.fixedVersion, v.title == null ? "" : truncate(v.title, 60)));
        if (paths) {
          row.add(v.path == null ? "-" : truncateStart(v.path, 80));
        }
        return row;
      }).toList());
      if (Boolean.TRUE.equals(s.truncated)) {
        out.println("(list capped; the counts above are complete)");
      }
    }
    if (!s.findings.isEmpty()) {
      out.println();
      rows(out, List.of("CHECK", "SEVERITY", "TITLE", "EVIDENCE"),
          s.findings.stream().map(f -> List.of(f.getId(), String.valueOf(f.getSeverity()), f.getTitle(),
              truncate(String.join(", ", f.getEvidence()), 80))).toList());
    }
    if (s.signature != null) {
      out.println();
      out.println("SIGNATURE  " + s.signature.status
          + (s.signature.authority == null ? "" : " by " + s.signature.authority)
          + (s.signature.identity == null ? "" : " (" + s.signature.identity + ")")
          + (s.signature.reason == null ? "" : ": " + s.signature.reason));
    }
    if (s.compliance != null && !s.compliance.policies.isEmpty()) {
      out.println("COMPLIANT  " + (Boolean.TRUE.equals(s.compliance.compliant) ? "yes"
          : "no: " + String.join("; ", s.compliance.reasons)));
    }
    out.println();
  }

  private static void rows(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i) == null ? 1 : row.get(i).length());
      }
    }
    line(out, header, widths);
    rows.forEach(row -> line(out, row, widths));
  }

  private static void line(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i) == null ? "-" : cells.get(i);
      b.append(cell);
      if (i < cells.size() - 1) {
        b.append(" ".repeat(widths[i] - cell.length() + 2));
      }
    }
    out.println(b.toString().stripTrailing());
  }

  /** Keeps the end of a path, where the file's own name is. */
  private static String truncateStart(String text, int max) {
    return text.length() <= max ? text : "..." + text.substring(text.length() - (max - 3));
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  /** SARIF 2.1.0: one rule per check id or vulnerability id, one result per finding. */
  static ObjectNode sarif(List<Result> results) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "vigil");
    driver.put("version", VigilVersion.version());
    driver.put("informationUri", "https://github.com/vigil-dev/vigil");
    Map<String, ObjectNode> rules = new LinkedHashMap<>();
    ArrayNode out = JSON.createArrayNode();
    for (Result r : results) {
      ImageReportStatus s = r.status();
      for (ImageReportStatus.Vulnerability v : s.vulnerabilities) {
        rules.computeIfAbsent(v.id, id -> rule(id, v.title == null ? id : v.title, v.link, v.severity));
        ObjectNode res = result(out, v.id, v.severity, v.id + " in " + v.packageName + " " + v.installedVersion
            + (v.fixedVersion == null ? " (no fix yet)" : " (fixed in " + v.fixedVersion + ")"), s.image.reference);
        res.putObject("properties").put("package", v.packageName).put("installedVersion", v.installedVersion)
            .put("fixedVersion", v.fixedVersion).put("imageDigest", s.image.digest);
      }
      for (Finding f : s.findings) {
        rules.computeIfAbsent(f.getId(), id -> rule(id, f.getTitle(), null, f.getSeverity())
            .put("help", f.getRemediation()));
        result(out, f.getId(), f.getSeverity(), f.getTitle() + ": " + String.join(", ", f.getEvidence()),
            s.image.reference).putObject("properties").put("imageDigest", s.image.digest);
      }
    }
    ArrayNode ruleArray = driver.putArray("rules");
    rules.values().forEach(ruleArray::add);
    run.set("results", out);
    return root;
  }

  private static ObjectNode rule(String id, String title, String link, Severity severity) {
    ObjectNode rule = JSON.createObjectNode();
    rule.put("id", id);
    rule.putObject("shortDescription").put("text", title);
    if (link != null) {
      rule.put("helpUri", link);
    }
    rule.putObject("properties").put("security-severity", securitySeverity(severity));
    return rule;
  }

  private static ObjectNode result(ArrayNode results, String ruleId, Severity severity, String message, String image) {
    ObjectNode res = results.addObject();
    res.put("ruleId", ruleId);
    res.put("level", switch (severity) {
      case Critical, High -> "error";
      case Medium -> "warning";
      default -> "note";
    });
    res.putObject("message").put("text", message);
    res.putArray("locations").addObject().putObject("physicalLocation")
        .putObject("artifactLocation").put("uri", image);
    return res;
  }

  /** GitHub code scanning reads this number to rank security results. */
  private static String securitySeverity(Severity severity) {
    return switch (severity) {
      case Critical -> "9.5";
      case High -> "8.0";
      case Medium -> "5.5";
      case Low -> "2.0";
      case Unknown -> "0.0";
    };
  }
}
