package dev.vigil.image;

/**
 * What one {@link EntryReader} made of one file, as one layer wrote it.
 *
 * @param reader the reader's {@link EntryReader#name()}
 * @param path normalised relative path of the file
 * @param layerDigest digest of the layer blob that holds this version of the file
 * @param layerIndex position of that layer in the manifest, 0 = base; -1 in {@link LayerFacts},
 *     where the position is not known yet
 * @param result what the reader returned; null when it failed or found nothing
 * @param failure why the reader failed on this file (its exception), else null
 */
public record EntryReading(
    String reader,
    String path,
    String layerDigest,
    int layerIndex,
    EntryReader.Result result,
    String failure) {

  EntryReading atIndex(int index) {
    return new EntryReading(reader, path, layerDigest, index, result, failure);
  }
}
