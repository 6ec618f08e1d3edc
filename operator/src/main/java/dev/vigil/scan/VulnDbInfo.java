package dev.vigil.scan;

import java.time.Instant;

/**
 * Which vulnerability database a result comes from.
 *
 * @param source where it was loaded from
 * @param snapshot its snapshot id
 * @param updated when its data was last updated
 */
public record VulnDbInfo(String source, String snapshot, Instant updated) {}
