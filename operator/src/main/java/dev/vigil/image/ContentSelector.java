package dev.vigil.image;

import java.util.function.Predicate;

/**
 * Which file contents an analyzer wants kept while layers are streamed. Everything else is
 * reduced to metadata, so memory stays bounded however large the image.
 *
 * @param name analyzer name; part of the layer cache key together with {@code version}
 * @param version bump when the selection changes, so cached layer facts are not reused
 * @param wants predicate on the normalised relative path (e.g. "var/lib/dpkg/status")
 * @param maxBytes cap per file; larger files are kept truncated
 */
public record ContentSelector(String name, int version, Predicate<String> wants, long maxBytes) {}
