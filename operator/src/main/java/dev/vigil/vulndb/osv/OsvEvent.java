package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One range event. The schema allows exactly one of the four fields per event; {@link #kind()}
 * tells which, and is null when the event sets none or several.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvEvent(
    String introduced,
    String fixed,
    @JsonProperty("last_affected") String lastAffected,
    String limit) {

  public enum Kind {
    INTRODUCED,
    FIXED,
    LAST_AFFECTED,
    LIMIT
  }

  /** The event's kind, or null when the event is malformed (none or more than one field). */
  public Kind kind() {
    Kind kind = null;
    int set = 0;
    if (introduced != null) {
      kind = Kind.INTRODUCED;
      set++;
    }
    if (fixed != null) {
      kind = Kind.FIXED;
      set++;
    }
    if (lastAffected != null) {
      kind = Kind.LAST_AFFECTED;
      set++;
    }
    if (limit != null) {
      kind = Kind.LIMIT;
      set++;
    }
    return set == 1 ? kind : null;
  }

  /** The version the event carries, or null when malformed. */
  public String version() {
    Kind kind = kind();
    if (kind == null) {
      return null;
    }
    return switch (kind) {
      case INTRODUCED -> introduced;
      case FIXED -> fixed;
      case LAST_AFFECTED -> lastAffected;
      case LIMIT -> limit;
    };
  }
}
