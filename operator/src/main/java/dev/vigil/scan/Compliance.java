package dev.vigil.scan;

import dev.vigil.vulndb.VulnerabilityMatch;
import java.util.List;

/**
 * The verdict of every applicable policy on one image.
 *
 * @param compliant true when every policy is satisfied
 * @param policies names of the policies applied
 * @param reasons why not, deduplicated, in policy order
 * @param counted the vulnerabilities at least one policy counts (not ignored by all)
 */
public record Compliance(
    boolean compliant, List<String> policies, List<String> reasons, List<VulnerabilityMatch> counted) {}
