package dev.vigil.image;

import java.util.List;

/**
 * What one layer holds, as metadata plus the few file contents analyzers asked for and what the
 * {@link EntryReader}s made of the files they read. A pure function of the blob, the selectors
 * and the readers, so it is cached by layer digest and shared between
 * images; for that reason the entries and captured files carry {@code layerIndex = -1}: the
 * position of a layer is known only inside an image, and {@link ImageFacts} stamps it.
 */
public final class LayerFacts {

  /** Rough heap cost of one entry beyond its strings: record, list slot, boxed fields. */
  private static final long ENTRY_OVERHEAD = 120;

  private static final long STRING_OVERHEAD = 48;

  private final String layerDigest;
  private final String diffId;
  private final String mediaType;
  private final LayerCompression compression;
  private final List<FileEntry> entries;
  private final List<String> whiteouts;
  private final List<String> opaqueDirectories;
  private final List<CapturedFile> captured;
  private final List<EntryReading> readings;
  private final long tarEntryCount;
  private final long compressedBytes;
  private final long uncompressedBytes;
  private final long capturedBytes;
  private final long retainedBytes;

  LayerFacts(
      String layerDigest,
      String diffId,
      String mediaType,
      LayerCompression compression,
      List<FileEntry> entries,
      List<String> whiteouts,
      List<String> opaqueDirectories,
      List<CapturedFile> captured,
      List<EntryReading> readings,
      long tarEntryCount,
      long compressedBytes,
      long uncompressedBytes) {
    this.readings = List.copyOf(readings);
    this.layerDigest = layerDigest;
    this.diffId = diffId;
    this.mediaType = mediaType;
    this.compression = compression;
    this.entries = List.copyOf(entries);
    this.whiteouts = List.copyOf(whiteouts);
    this.opaqueDirectories = List.copyOf(opaqueDirectories);
    this.captured = List.copyOf(captured);
    this.tarEntryCount = tarEntryCount;
    this.compressedBytes = compressedBytes;
    this.uncompressedBytes = uncompressedBytes;
    long capturedTotal = 0;
    for (CapturedFile file : this.captured) {
      capturedTotal += file.content().length;
    }
    this.capturedBytes = capturedTotal;
    this.retainedBytes = estimateRetainedBytes();
  }

  /** Digest of the (compressed) layer blob, as the manifest names it. */
  public String layerDigest() {
    return layerDigest;
  }

  /** Digest of the uncompressed tar, verified against the image config's diff_id. */
  public String diffId() {
    return diffId;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The compression the blob's bytes showed (which decides over the media type). */
  public LayerCompression compression() {
    return compression;
  }

  /**
   * Entries the layer writes, whiteouts excluded, in archive order; a path written twice
   * appears once, at its last position.
   */
  public List<FileEntry> entries() {
    return entries;
  }

  /** Paths this layer deletes from the layers below (".wh.NAME" entries). */
  public List<String> whiteouts() {
    return whiteouts;
  }

  /**
   * Directories whose contents from the layers below this layer hides (".wh..wh..opq"); ""
   * is the root.
   */
  public List<String> opaqueDirectories() {
    return opaqueDirectories;
  }

  /** Contents kept for the selectors, in archive order. */
  public List<CapturedFile> captured() {
    return captured;
  }

  /**
   * What the readers made of the files they wanted, in archive order; a path written twice
   * keeps the readings of its last version only.
   */
  public List<EntryReading> readings() {
    return readings;
  }

  /** Tar entries read, whiteouts and directories included, PAX and GNU records excluded. */
  public long tarEntryCount() {
    return tarEntryCount;
  }

  /** Bytes of the blob as read from the registry. */
  public long compressedBytes() {
    return compressedBytes;
  }

  /** Bytes of the uncompressed tar. */
  public long uncompressedBytes() {
    return uncompressedBytes;
  }

  /** Bytes of captured content. */
  public long capturedBytes() {
    return capturedBytes;
  }

  /** Approximate heap these facts hold, for the size-bounded cache. */
  public long retainedBytes() {
    return retainedBytes;
  }

  private long estimateRetainedBytes() {
    long total = 256;
    for (FileEntry entry : entries) {
      total += ENTRY_OVERHEAD + stringBytes(entry.path()) + stringBytes(entry.linkTarget());
    }
    for (String path : whiteouts) {
      total += STRING_OVERHEAD + stringBytes(path);
    }
    for (String path : opaqueDirectories) {
      total += STRING_OVERHEAD + stringBytes(path);
    }
    for (CapturedFile file : captured) {
      total += ENTRY_OVERHEAD + stringBytes(file.path()) + file.content().length;
    }
    for (EntryReading reading : readings) {
      total += ENTRY_OVERHEAD + stringBytes(reading.path()) + stringBytes(reading.failure())
          + (reading.result() == null ? 0 : reading.result().retainedBytes());
    }
    return total;
  }

  private static long stringBytes(String s) {
    // Compact strings: one byte per Latin-1 character plus the String and array headers.
    return s == null ? 0 : STRING_OVERHEAD + s.length();
  }

  @Override
  public String toString() {
    return "LayerFacts[" + layerDigest + ", " + entries.size() + " entries, "
        + whiteouts.size() + " whiteouts, " + opaqueDirectories.size() + " opaque, "
        + captured.size() + " captured, " + readings.size() + " read, " + uncompressedBytes + " bytes]";
  }
}
