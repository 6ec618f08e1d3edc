package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The package an affected entry is about.
 *
 * @param ecosystem OSV ecosystem incl. release, e.g. "Debian:12", "Ubuntu:Pro:18.04:LTS"
 * @param name package name as the ecosystem uses it (source package for Debian and Ubuntu)
 * @param purl package URL, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvPackage(String ecosystem, String name, String purl) {}
