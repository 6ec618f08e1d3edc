package dev.vigil.inventory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts the header blobs from an rpm ndb {@code Packages.db} (rpm's own "new database" backend,
 * the default on SUSE since 2021).
 *
 * <p>Layout (rpm lib/backend/ndb/rpmpkg.c; all integers little-endian): a 16-byte header ("RpmP",
 * format version 0, generation, number of 4 KiB slot pages), padded to 32 bytes; the rest of the
 * slot pages holds 16-byte slots ("Slot", package index (0 = free), block offset, block count).
 * Blocks are 16 bytes; a package's blob starts at its block offset with a 16-byte blob header
 * ("BlbS", package index, Adler-32 checksum, blob length) followed by the header blob. The checksum
 * is not verified here; the header blob's own structure is checked when it is parsed.
 */
public final class RpmNdb {

  private static final int SLOT_PAGE_SIZE = 4096;
  private static final int SLOT_SIZE = 16;
  private static final int BLOCK_SIZE = 16;
  private static final int FIRST_SLOT_OFFSET = 32;

  /** Same bound rpm's readers apply against absurd headers: 2048 pages = 524k packages. */
  private static final long MAX_SLOT_PAGES = 2048;

  private static final int HEADER_MAGIC = magic("RpmP");
  private static final int SLOT_MAGIC = magic("Slot");
  private static final int BLOB_MAGIC = magic("BlbS");

  private RpmNdb() {}

  /** True when the bytes start with the ndb magic. */
  public static boolean looksLike(byte[] file) {
    return file.length >= 4
        && ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == HEADER_MAGIC;
  }

  /**
   * The header blobs in slot order.
   *
   * @throws MalformedDatabaseException when the file is not a readable ndb database
   */
  public static List<byte[]> headerBlobs(byte[] file) {
    if (file.length < FIRST_SLOT_OFFSET) {
      throw new MalformedDatabaseException(
          "ndb file of " + file.length + " bytes is shorter than its header");
    }
    ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (buf.getInt(0) != HEADER_MAGIC) {
      throw new MalformedDatabaseException("not an rpm ndb database (bad magic)");
    }
    int version = buf.getInt(4);
    if (version != 0) {
      throw new MalformedDatabaseException(
          "rpm ndb format version " + version + " is not supported");
    }
    long slotPages = Integer.toUnsignedLong(buf.getInt(12));
    if (slotPages == 0 || slotPages > MAX_SLOT_PAGES) {
      throw new MalformedDatabaseException("rpm ndb slot page count " + slotPages + " is invalid");
    }
    long slotAreaEnd = slotPages * SLOT_PAGE_SIZE;
    if (slotAreaEnd > file.length) {
      throw new MalformedDatabaseException(
          "rpm ndb declares "
              + slotPages
              + " slot pages but the file has only "
              + file.length
              + " bytes");
    }
    List<byte[]> blobs = new ArrayList<>();
    for (int slot = FIRST_SLOT_OFFSET; slot < slotAreaEnd; slot += SLOT_SIZE) {
      if (buf.getInt(slot) != SLOT_MAGIC) {
        throw new MalformedDatabaseException("rpm ndb slot at byte " + slot + " has a bad magic");
      }
      long packageIndex = Integer.toUnsignedLong(buf.getInt(slot + 4));
      if (packageIndex == 0) {
        continue;
      }
      long blockOffset = Integer.toUnsignedLong(buf.getInt(slot + 8));
      long blockCount = Integer.toUnsignedLong(buf.getInt(slot + 12));
      blobs.add(blob(buf, packageIndex, blockOffset, blockCount));
    }
    return blobs;
  }

  private static byte[] blob(ByteBuffer buf, long packageIndex, long blockOffset, long blockCount) {
    long start = blockOffset * BLOCK_SIZE;
    long blockEnd = start + blockCount * BLOCK_SIZE;
    if (start < FIRST_SLOT_OFFSET || blockEnd > buf.capacity() || blockCount < 1) {
      throw new MalformedDatabaseException(
          "rpm ndb package " + packageIndex + " points outside the file");
    }
    int at = (int) start;
    if (buf.getInt(at) != BLOB_MAGIC) {
      throw new MalformedDatabaseException(
          "rpm ndb package " + packageIndex + " blob has a bad magic");
    }
    if (Integer.toUnsignedLong(buf.getInt(at + 4)) != packageIndex) {
      throw new MalformedDatabaseException(
          "rpm ndb slot for package " + packageIndex + " points to another package's blob");
    }
    long length = Integer.toUnsignedLong(buf.getInt(at + 12));
    if (start + BLOCK_SIZE + length > blockEnd) {
      throw new MalformedDatabaseException(
          "rpm ndb package " + packageIndex + " blob of " + length + " bytes overruns its blocks");
    }
    byte[] blob = new byte[(int) length];
    buf.get(at + BLOCK_SIZE, blob);
    return blob;
  }

  private static int magic(String fourChars) {
    byte[] b = fourChars.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
