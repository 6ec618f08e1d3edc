package dev.vigil.inventory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The package identity fields of one rpm header, as stored in every rpmdb backend.
 *
 * <p>Header blob layout (all integers big-endian): index entry count {@code il}, data length {@code
 * dl}, then {@code il} entries of 16 bytes (tag, type, offset into the data store, count), then the
 * data store of {@code dl} bytes. The first entry is usually a region tag (HEADERIMMUTABLE) whose
 * data is a trailer; entries appended after the region ("dribbles") replace region entries with the
 * same tag, so for each tag the last entry in index order wins. Region tags are not needed for the
 * identity fields and are not interpreted.
 *
 * @param name NAME (1000)
 * @param version VERSION (1001)
 * @param release RELEASE (1002)
 * @param epoch EPOCH (1003), null when the header has none
 * @param arch ARCH (1022), null when absent (gpg-pubkey pseudo packages)
 * @param sourceRpm SOURCERPM (1044) file name, null when absent or "(none)"
 */
public record RpmHeader(
    String name, String version, String release, Long epoch, String arch, String sourceRpm) {

  static final int TAG_NAME = 1000;
  static final int TAG_VERSION = 1001;
  static final int TAG_RELEASE = 1002;
  static final int TAG_EPOCH = 1003;
  static final int TAG_ARCH = 1022;
  static final int TAG_SOURCERPM = 1044;
  static final int TAG_OLDFILENAMES = 1027;
  static final int TAG_DIRINDEXES = 1116;
  static final int TAG_BASENAMES = 1117;
  static final int TAG_DIRNAMES = 1118;

  private static final int TYPE_INT32 = 4;
  private static final int TYPE_STRING = 6;
  private static final int TYPE_STRING_ARRAY = 8;
  private static final int TYPE_I18NSTRING = 9;

  /** rpm refuses headers with more index entries than this (HEADER_TAGS_MAX-like bound). */
  private static final long MAX_INDEX_ENTRIES = 0xffff;

  /** rpm's own limit on a header's size (headerMaxbytes). */
  private static final long MAX_DATA_BYTES = 256L * 1024 * 1024;

  private static final int ENTRY_SIZE = 16;

  /**
   * Parses a header blob.
   *
   * @throws MalformedDatabaseException when the blob's structure is inconsistent or a required
   *     field (name, version, release) is missing
   */
  public static RpmHeader parse(byte[] blob) {
    if (blob.length < 8) {
      throw new MalformedDatabaseException(
          "rpm header of " + blob.length + " bytes is shorter than its 8-byte preamble");
    }
    ByteBuffer buf = ByteBuffer.wrap(blob);
    long il = Integer.toUnsignedLong(buf.getInt(0));
    long dl = Integer.toUnsignedLong(buf.getInt(4));
    if (il < 1 || il > MAX_INDEX_ENTRIES) {
      throw new MalformedDatabaseException("rpm header index count " + il + " is out of range");
    }
    if (dl > MAX_DATA_BYTES) {
      throw new MalformedDatabaseException("rpm header data length " + dl + " is out of range");
    }
    long dataStart = 8 + il * ENTRY_SIZE;
    long dataEnd = dataStart + dl;
    if (dataEnd > blob.length) {
      throw new MalformedDatabaseException(
          "rpm header declares "
              + dataEnd
              + " bytes ("
              + il
              + " index entries, "
              + dl
              + " data bytes) but the blob has "
              + blob.length);
    }
    Map<Integer, Integer> lastEntryForTag = new HashMap<>();
    for (int i = 0; i < il; i++) {
      lastEntryForTag.put(buf.getInt(8 + i * ENTRY_SIZE), i);
    }
    Fields fields = new Fields(buf, (int) dataStart, (int) dataEnd, lastEntryForTag);
    String name = fields.string(TAG_NAME);
    String version = fields.string(TAG_VERSION);
    String release = fields.string(TAG_RELEASE);
    if (name == null || version == null || release == null) {
      throw new MalformedDatabaseException(
          "rpm header lacks "
              + (name == null ? "NAME" : version == null ? "VERSION" : "RELEASE")
              + (name == null ? "" : " (package " + name + ")"));
    }
    String sourceRpm = fields.string(TAG_SOURCERPM);
    if ("(none)".equals(sourceRpm)) {
      sourceRpm = null;
    }
    return new RpmHeader(
        name, version, release, fields.int32(TAG_EPOCH), fields.string(TAG_ARCH), sourceRpm);
  }

  /**
   * The absolute paths of the files (and directories) one header installs: DIRNAMES indexed by
   * DIRINDEXES joined with BASENAMES, or the OLDFILENAMES of rpm before 4.0. Empty for a header
   * without files.
   *
   * @throws MalformedDatabaseException when the blob or its file tags are inconsistent
   */
  public static List<String> filePaths(byte[] blob) {
    Fields fields = fields(blob);
    List<String> basenames = fields.strings(TAG_BASENAMES);
    if (basenames.isEmpty()) {
      return fields.strings(TAG_OLDFILENAMES);
    }
    List<String> dirnames = fields.strings(TAG_DIRNAMES);
    long[] dirIndexes = fields.int32s(TAG_DIRINDEXES);
    if (dirIndexes.length != basenames.size()) {
      throw new MalformedDatabaseException(
          "rpm header has " + basenames.size() + " BASENAMES but " + dirIndexes.length
              + " DIRINDEXES");
    }
    List<String> paths = new ArrayList<>(basenames.size());
    for (int i = 0; i < basenames.size(); i++) {
      long dir = dirIndexes[i];
      if (dir < 0 || dir >= dirnames.size()) {
        throw new MalformedDatabaseException(
            "rpm header DIRINDEXES entry " + dir + " is outside its " + dirnames.size()
                + " DIRNAMES");
      }
      paths.add(dirnames.get((int) dir) + basenames.get(i));
    }
    return paths;
  }

  private static Fields fields(byte[] blob) {
    if (blob.length < 8) {
      throw new MalformedDatabaseException(
          "rpm header of " + blob.length + " bytes is shorter than its 8-byte preamble");
    }
    ByteBuffer buf = ByteBuffer.wrap(blob);
    long il = Integer.toUnsignedLong(buf.getInt(0));
    long dl = Integer.toUnsignedLong(buf.getInt(4));
    if (il < 1 || il > MAX_INDEX_ENTRIES || dl > MAX_DATA_BYTES
        || 8 + il * ENTRY_SIZE + dl > blob.length) {
      throw new MalformedDatabaseException("rpm header index or data length is out of range");
    }
    Map<Integer, Integer> lastEntryForTag = new HashMap<>();
    for (int i = 0; i < il; i++) {
      lastEntryForTag.put(buf.getInt(8 + i * ENTRY_SIZE), i);
    }
    int dataStart = (int) (8 + il * ENTRY_SIZE);
    return new Fields(buf, dataStart, (int) (dataStart + dl), lastEntryForTag);
  }

  /** Typed access to the index entries of one header. */
  private record Fields(
      ByteBuffer buf, int dataStart, int dataEnd, Map<Integer, Integer> lastEntryForTag) {

    String string(int tag) {
      Integer index = lastEntryForTag.get(tag);
      if (index == null) {
        return null;
      }
      int type = buf.getInt(8 + index * ENTRY_SIZE + 4);
      if (type != TYPE_STRING && type != TYPE_STRING_ARRAY && type != TYPE_I18NSTRING) {
        throw new MalformedDatabaseException(
            "rpm header tag " + tag + " has type " + type + ", expected a string");
      }
      int start = dataStart + offset(tag, index);
      for (int end = start; end < dataEnd; end++) {
        if (buf.get(end) == 0) {
          return new String(buf.array(), start, end - start, StandardCharsets.UTF_8);
        }
      }
      throw new MalformedDatabaseException(
          "rpm header tag " + tag + " string is not terminated inside the data store");
    }

    Long int32(int tag) {
      Integer index = lastEntryForTag.get(tag);
      if (index == null) {
        return null;
      }
      int type = buf.getInt(8 + index * ENTRY_SIZE + 4);
      long count = Integer.toUnsignedLong(buf.getInt(8 + index * ENTRY_SIZE + 12));
      if (type != TYPE_INT32 || count < 1) {
        throw new MalformedDatabaseException(
            "rpm header tag " + tag + " has type " + type + " count " + count + ", expected int32");
      }
      int start = dataStart + offset(tag, index);
      if (start + 4 > dataEnd) {
        throw new MalformedDatabaseException("rpm header tag " + tag + " runs past the data store");
      }
      return Integer.toUnsignedLong(buf.getInt(start));
    }

    /** A string array (every element), empty when the tag is absent. */
    List<String> strings(int tag) {
      Integer index = lastEntryForTag.get(tag);
      if (index == null) {
        return List.of();
      }
      int type = buf.getInt(8 + index * ENTRY_SIZE + 4);
      long count = Integer.toUnsignedLong(buf.getInt(8 + index * ENTRY_SIZE + 12));
      if (type != TYPE_STRING_ARRAY && type != TYPE_STRING) {
        throw new MalformedDatabaseException(
            "rpm header tag " + tag + " has type " + type + ", expected a string array");
      }
      if (count > dataEnd - dataStart) {
        throw new MalformedDatabaseException(
            "rpm header tag " + tag + " counts " + count + " strings in a smaller data store");
      }
      List<String> out = new ArrayList<>((int) count);
      int start = dataStart + offset(tag, index);
      for (long n = 0; n < count; n++) {
        int end = start;
        while (end < dataEnd && buf.get(end) != 0) {
          end++;
        }
        if (end >= dataEnd) {
          throw new MalformedDatabaseException(
              "rpm header tag " + tag + " string " + n + " is not terminated inside the data store");
        }
        out.add(new String(buf.array(), start, end - start, StandardCharsets.UTF_8));
        start = end + 1;
      }
      return out;
    }

    /** An int32 array, empty when the tag is absent. */
    long[] int32s(int tag) {
      Integer index = lastEntryForTag.get(tag);
      if (index == null) {
        return new long[0];
      }
      int type = buf.getInt(8 + index * ENTRY_SIZE + 4);
      long count = Integer.toUnsignedLong(buf.getInt(8 + index * ENTRY_SIZE + 12));
      int start = dataStart + offset(tag, index);
      if (type != TYPE_INT32 || start + count * 4 > dataEnd) {
        throw new MalformedDatabaseException(
            "rpm header tag " + tag + " has type " + type + " count " + count
                + ", expected int32s inside the data store");
      }
      long[] out = new long[(int) count];
      for (int i = 0; i < count; i++) {
        out[i] = Integer.toUnsignedLong(buf.getInt(start + 4 * i));
      }
      return out;
    }

    private int offset(int tag, int index) {
      int offset = buf.getInt(8 + index * ENTRY_SIZE + 8);
      if (offset < 0 || offset >= dataEnd - dataStart) {
        throw new MalformedDatabaseException(
            "rpm header tag " + tag + " offset " + offset + " is outside the data store");
      }
      return offset;
    }
  }
}
