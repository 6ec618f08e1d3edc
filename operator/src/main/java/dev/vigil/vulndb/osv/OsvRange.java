package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * An affected range: a timeline of events in the ordering given by {@code type}.
 *
 * @param type "ECOSYSTEM", "SEMVER" or "GIT"
 * @param repo repository URL for GIT ranges, else null
 * @param events the events, in file order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvRange(String type, String repo, List<OsvEvent> events) {

  public OsvRange {
    events = OsvLists.orEmpty(events);
  }
}
