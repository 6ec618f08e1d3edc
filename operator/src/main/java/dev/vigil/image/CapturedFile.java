package dev.vigil.image;

/**
 * The content of a file an analyzer asked for, as one layer wrote it.
 *
 * @param path normalised relative path
 * @param layerDigest digest of the layer blob that holds this version
 * @param layerIndex position of that layer in the manifest, 0 = base
 * @param content the bytes (never more than the selector's size cap)
 * @param truncated true when the file was larger than the cap and only a prefix is kept
 */
public record CapturedFile(
    String path, String layerDigest, int layerIndex, byte[] content, boolean truncated) {}
