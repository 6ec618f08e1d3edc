package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One vulnerability record in the OSV format (ossf/osv-schema). Unknown fields are ignored;
 * list fields are never null after {@link OsvParser} has read a record.
 *
 * @param id the record's id, e.g. "DSA-3029-1"
 * @param modified RFC 3339 time of the last change
 * @param published RFC 3339 time of publication, may be null
 * @param withdrawn RFC 3339 time the record was withdrawn, null while it stands
 * @param aliases ids of the same vulnerability in other databases
 * @param upstream ids of upstream vulnerabilities this record refers to (transitive)
 * @param related ids of related but different vulnerabilities; the schema allows plain
 *     strings and, in one past version, objects with an "id"
 * @param summary one-line summary, may be null
 * @param details CommonMark details, may be null
 * @param severity record-level severities
 * @param affected affected packages; empty when the record has none
 * @param references links
 * @param databaseSpecific database-specific data, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvRecord(
    String id,
    String modified,
    String published,
    String withdrawn,
    List<String> aliases,
    List<String> upstream,
    List<JsonNode> related,
    String summary,
    String details,
    List<OsvSeverity> severity,
    List<OsvAffected> affected,
    List<OsvReference> references,
    @JsonProperty("database_specific") JsonNode databaseSpecific) {

  public OsvRecord {
    aliases = OsvLists.orEmpty(aliases);
    upstream = OsvLists.orEmpty(upstream);
    related = OsvLists.orEmpty(related);
    severity = OsvLists.orEmpty(severity);
    affected = OsvLists.orEmpty(affected);
    references = OsvLists.orEmpty(references);
  }

  /** Ids of related vulnerabilities, whichever of the two allowed shapes the record uses. */
  public List<String> relatedIds() {
    List<String> ids = new ArrayList<>(related.size());
    for (JsonNode node : related) {
      if (node.isTextual()) {
        ids.add(node.asText());
      } else if (node.hasNonNull("id")) {
        ids.add(node.get("id").asText());
      }
    }
    return ids;
  }

  public boolean isWithdrawn() {
    return withdrawn != null && !withdrawn.isBlank();
  }
}
