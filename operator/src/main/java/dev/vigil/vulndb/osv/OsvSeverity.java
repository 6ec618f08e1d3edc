package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A severity statement.
 *
 * @param type "CVSS_V2", "CVSS_V3", "CVSS_V4" or "Ubuntu"
 * @param score a CVSS vector string, or the lower-case Ubuntu priority
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvSeverity(String type, String score) {}
