package dev.vigil.registry;

/**
 * What a tag (or digest) currently points to, found as cheaply as possible.
 *
 * @param digest digest of what the reference names: the index when it is multi-platform
 * @param mediaType media type of that manifest or index
 * @param platformDigest digest of the image manifest for the requested platform; equals
 *     {@code digest} when the reference names a single-platform manifest
 */
public record DigestResolution(String digest, String mediaType, String platformDigest) {}
