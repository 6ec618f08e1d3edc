package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One image-content, workload-configuration or registry check that did not pass. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Finding {

  /** Where a check looks. */
  public enum Category {
    Image,
    Workload,
    Registry
  }

  @JsonPropertyDescription("Stable check id, e.g. VIG-IMG-002; documented in docs/checks.md.")
  private String id;

  @JsonPropertyDescription("Where the check looked: the image, the workload spec or the registry.")
  private Category category;

  @JsonPropertyDescription("Severity after the policy's overrides.")
  private Severity severity;

  @JsonPropertyDescription("One-line description of what was found.")
  private String title;

  @JsonPropertyDescription(
      "What shows the problem: paths, env variable names, history steps, ports. Never a secret's value.")
  private List<String> evidence = new ArrayList<>();

  @JsonPropertyDescription("How to fix it.")
  private String remediation;

  public Finding() {}

  public Finding(
      String id,
      Category category,
      Severity severity,
      String title,
      List<String> evidence,
      String remediation) {
    this.id = id;
    this.category = category;
    this.severity = severity;
    this.title = title;
    this.evidence = evidence == null ? new ArrayList<>() : new ArrayList<>(evidence);
    this.remediation = remediation;
  }

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public Category getCategory() {
    return category;
  }

  public void setCategory(Category category) {
    this.category = category;
  }

  public Severity getSeverity() {
    return severity;
  }

  public void setSeverity(Severity severity) {
    this.severity = severity;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public List<String> getEvidence() {
    return evidence;
  }

  public void setEvidence(List<String> evidence) {
    this.evidence = evidence;
  }

  public String getRemediation() {
    return remediation;
  }

  public void setRemediation(String remediation) {
    this.remediation = remediation;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Finding f)) return false;
    return Objects.equals(id, f.id)
        && category == f.category
        && severity == f.severity
        && Objects.equals(title, f.title)
        && Objects.equals(evidence, f.evidence)
        && Objects.equals(remediation, f.remediation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, category, severity, title, evidence, remediation);
  }

  @Override
  public String toString() {
    return id + " " + severity + " " + title + " " + evidence;
  }
}
