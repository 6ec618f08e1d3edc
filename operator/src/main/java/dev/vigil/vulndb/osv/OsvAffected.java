package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One affected package of an OSV record.
 *
 * @param pkg the package; null in records that describe only a GIT range (no package)
 * @param severity package-level severities (the schema forbids them together with record-level
 *     ones)
 * @param ranges affected version ranges
 * @param versions explicitly enumerated affected versions
 * @param ecosystemSpecific ecosystem-defined data (Ubuntu "binaries", Debian "urgency"), may be
 *     null
 * @param databaseSpecific database-defined data, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvAffected(
    @JsonProperty("package") OsvPackage pkg,
    List<OsvSeverity> severity,
    List<OsvRange> ranges,
    List<String> versions,
    @JsonProperty("ecosystem_specific") JsonNode ecosystemSpecific,
    @JsonProperty("database_specific") JsonNode databaseSpecific) {

  public OsvAffected {
    severity = OsvLists.orEmpty(severity);
    ranges = OsvLists.orEmpty(ranges);
    versions = OsvLists.orEmpty(versions);
  }
}
