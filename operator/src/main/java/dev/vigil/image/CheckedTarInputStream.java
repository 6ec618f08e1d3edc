package dev.vigil.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.utils.ArchiveUtils;

/**
 * commons-compress's tar reader with the checks a hostile layer needs and the reader leaves
 * out: header checksums (so a stream that is not tar is refused instead of parsed as
 * garbage), truncation inside a header, a cap on PAX and GNU long-name records (which the
 * reader buffers whole), and the raw names those records carry (the reader silently strips a
 * leading "/" from them, which would hide an absolute path).
 */
final class CheckedTarInputStream extends TarArchiveInputStream {

  private static final int RECORD_SIZE = 512;
  private static final int TYPEFLAG_OFFSET = 156;
  private static final int SIZE_OFFSET = 124;
  private static final int SIZE_LENGTH = 12;

  private final WalkLimits limits;
  private final String layerDigest;
  private final String mediaType;
  private boolean headerSeen;

  /** The extension record whose content is being read, and that content so far. */
  private TarArchiveEntry extensionEntry;

  private final ByteArrayOutputStream extensionContent = new ByteArrayOutputStream();
  private final byte[] skipBuffer = new byte[64 * 1024];

  private String rawLongName;
  private String rawLongLinkName;
  private String rawPaxPath;
  private String rawPaxLinkPath;

  CheckedTarInputStream(
      InputStream in, WalkLimits limits, String layerDigest, String mediaType) {
    // Lenient: an odd mtime or device number in one entry must not cost the whole layer.
    super(in, 10240, RECORD_SIZE, StandardCharsets.UTF_8.name(), true);
    this.limits = limits;
    this.layerDigest = layerDigest;
    this.mediaType = mediaType;
  }

  /** The next file entry, with the raw names of its extension records collected. */
  TarArchiveEntry next() throws IOException {
    skipRestOfEntry();
    rawLongName = null;
    rawLongLinkName = null;
    rawPaxPath = null;
    rawPaxLinkPath = null;
    extensionEntry = null;
    extensionContent.reset();
    TarArchiveEntry entry = getNextEntry();
    finishExtension();
    return entry;
  }

  /**
   * Reads what is left of the current entry and its record padding into one reused buffer, so
   * that {@code getNextEntry()} finds nothing left to skip: the library's own skipping allocates
   * a new 8 KiB array for every 8 KiB it passes over (commons-io), which cost a layer walk about
   * a third of its CPU time and most of its garbage. The same bytes are read (so hashed) and
   * counted, and a short read fails the same way ("Truncated TAR archive"). Sparse entries keep
   * the library's own handling.
   */
  private void skipRestOfEntry() throws IOException {
    TarArchiveEntry current = getCurrentEntry();
    if (current == null || current.isSparse()) {
      return;
    }
    while (read(skipBuffer, 0, skipBuffer.length) >= 0) {
      // read() stops at the end of the entry's data
    }
    long size = current.getSize();
    if (!current.isDirectory() && size > 0 && size % RECORD_SIZE != 0) {
      int padding = (int) (RECORD_SIZE - size % RECORD_SIZE);
      int got = 0;
      while (got < padding) {
        int n = in.read(skipBuffer, got, padding - got);
        if (n < 0) {
          break;
        }
        got += n;
      }
      count(got);
      if (got != padding) {
        throw new IOException("Truncated TAR archive");
      }
    }
    setCurrentEntry(null);
  }

  /** The entry's name as the archive spells it, before commons-compress normalises it. */
  String rawName(TarArchiveEntry entry) {
    if (rawPaxPath != null) {
      return rawPaxPath;
    }
    if (rawLongName != null) {
      return rawLongName;
    }
    return entry.getName();
  }

  /** The entry's link target as the archive spells it. */
  String rawLinkName(TarArchiveEntry entry) {
    if (rawPaxLinkPath != null) {
      return rawPaxLinkPath;
    }
    if (rawLongLinkName != null) {
      return rawLongLinkName;
    }
    return entry.getLinkName();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    TarArchiveEntry current = getCurrentEntry();
    if (current != extensionEntry) {
      finishExtension();
      if (current != null && isNameCarrying(current)) {
        extensionEntry = current;
      }
    }
    int n = super.read(buffer, offset, length);
    if (n > 0 && extensionEntry != null) {
      extensionContent.write(buffer, offset, n);
    }
    return n;
  }

  @Override
  protected byte[] readRecord() throws IOException {
    long before = getBytesRead();
    byte[] record = super.readRecord();
    long got = getBytesRead() - before;
    if (record == null) {
      if (!headerSeen && before == 0) {
        throw abort(
            LayerException.Reason.NOT_A_TAR,
            got == 0
                ? "the layer is empty, not a tar archive (media type " + mediaType + ")"
                : "the layer's " + got + " bytes are too short for a tar archive (media type "
                    + mediaType + ")");
      }
      if (got > 0) {
        throw abort(
            LayerException.Reason.TRUNCATED,
            "tar archive ends inside a header record at offset " + before);
      }
      return null;
    }
    if (ArchiveUtils.isArrayZero(record, RECORD_SIZE)) {
      return record;
    }
    if (!checksumMatches(record) && !inOldGnuSparseExtension()) {
      if (!headerSeen) {
        throw abort(
            LayerException.Reason.NOT_A_TAR,
            "the layer does not start with a tar header (media type " + mediaType + ")");
      }
      throw abort(
          LayerException.Reason.CORRUPT, "tar header checksum mismatch at offset " + before);
    }
    headerSeen = true;
    checkExtensionSize(record, before);
    return record;
  }

  private static boolean checksumMatches(byte[] record) {
    try {
      return TarUtils.verifyCheckSum(record);
    } catch (IllegalArgumentException e) {
      return false; // the checksum field itself is not octal
    }
  }

  /** Old GNU sparse extension records carry no checksum; they follow a sparse header. */
  private boolean inOldGnuSparseExtension() {
    TarArchiveEntry current = getCurrentEntry();
    return headerSeen && current != null && current.isOldGNUSparse() && current.isExtended();
  }

  private void checkExtensionSize(byte[] record, long offset) throws WalkAbort {
    byte type = record[TYPEFLAG_OFFSET];
    boolean buffered =
        type == 'x' || type == 'g' || type == 'X' || type == 'L' || type == 'K';
    if (!buffered) {
      return;
    }
    long size;
    try {
      size = TarUtils.parseOctalOrBinary(record, SIZE_OFFSET, SIZE_LENGTH);
    } catch (IllegalArgumentException e) {
      throw abort(
          LayerException.Reason.CORRUPT,
          "unreadable size in tar extension header at offset " + offset);
    }
    if (size > limits.maxHeaderRecordBytes()) {
      throw abort(
          LayerException.Reason.LIMIT_EXCEEDED,
          "tar extension record of " + size + " bytes at offset " + offset
              + " exceeds " + limits.maxHeaderRecordBytes() + " bytes (maxHeaderRecordBytes)");
    }
  }

  private static boolean isNameCarrying(TarArchiveEntry entry) {
    return entry.isGNULongNameEntry() || entry.isGNULongLinkEntry() || entry.isPaxHeader();
  }

  private void finishExtension() {
    if (extensionEntry == null) {
      return;
    }
    byte[] content = extensionContent.toByteArray();
    if (extensionEntry.isGNULongNameEntry()) {
      rawLongName = withoutTrailingNuls(content);
    } else if (extensionEntry.isGNULongLinkEntry()) {
      rawLongLinkName = withoutTrailingNuls(content);
    } else if (extensionEntry.isPaxHeader()) {
      readPaxNames(content);
    }
    extensionEntry = null;
    extensionContent.reset();
  }

  private static String withoutTrailingNuls(byte[] content) {
    int length = content.length;
    while (length > 0 && content[length - 1] == 0) {
      length--;
    }
    return new String(content, 0, length, StandardCharsets.UTF_8);
  }

  /**
   * Picks "path" and "linkpath" out of PAX records ("LENGTH key=value\n"). Malformed records
   * end the scan here; the tar reader itself reports them.
   */
  private void readPaxNames(byte[] content) {
    int position = 0;
    while (position < content.length) {
      int space = position;
      long length = 0;
      while (space < content.length && content[space] >= '0' && content[space] <= '9') {
        length = length * 10 + (content[space] - '0');
        if (length > content.length) {
          return;
        }
        space++;
      }
      if (space >= content.length || content[space] != ' ' || length <= space - position) {
        return;
      }
      int end = position + (int) length;
      if (end > content.length || content[end - 1] != '\n') {
        return;
      }
      String record = new String(content, space + 1, end - 1 - (space + 1), StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      if (equals > 0) {
        String key = record.substring(0, equals);
        String value = record.substring(equals + 1);
        if (key.equals("path")) {
          rawPaxPath = value;
        } else if (key.equals("linkpath")) {
          rawPaxLinkPath = value;
        }
      }
      position = end;
    }
  }

  private WalkAbort abort(LayerException.Reason reason, String detail) {
    return new WalkAbort(new LayerException(reason, layerDigest, detail));
  }
}
