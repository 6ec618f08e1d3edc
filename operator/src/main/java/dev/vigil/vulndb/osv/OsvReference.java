package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A link.
 *
 * @param type "ADVISORY", "ARTICLE", "REPORT", "FIX", "WEB", ...
 * @param url the address
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvReference(String type, String url) {}
