package dev.vigil.vulndb;

import java.time.Instant;

/**
 * A load that did not produce a snapshot.
 *
 * @param time when it failed
 * @param source the source's description
 * @param message why
 */
public record LoadFailure(Instant time, String source, String message) {}
