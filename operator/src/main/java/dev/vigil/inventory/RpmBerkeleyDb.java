package dev.vigil.inventory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Extracts the header blobs from an rpm {@code Packages} file in BerkeleyDB hash format (rpm up to
 * 4.15: RHEL/CentOS 5-8, Amazon Linux 2, older SUSE), reading the pages directly.
 *
 * <p>Layout (BerkeleyDB db_page.h): page 0 is the hash metadata page (magic 0x061561 at offset 12,
 * in the byte order of the machine that wrote the file, which is how the order is told; page size
 * at 20; last page number at 32). Every page starts with a 26-byte header (page number at 8, next
 * page at 16, entry count at 20, free-area offset at 22, page type at 25). Hash pages (type 13, or
 * 2 for the unsorted pages of old versions) hold an array of 2-byte item offsets after the header,
 * alternating key and value. A value item starts with its type: 1 = data held inline (length up to
 * the previous item), 3 = off-page: page number at 4 and total length at 8 of a chain of overflow
 * pages (type 7), each holding its data length in the free-area field. rpm's key is the 4-byte
 * header instance number; instance 0 holds bookkeeping, not a header.
 */
public final class RpmBerkeleyDb {

  private static final int HASH_MAGIC = 0x061561;
  private static final int BTREE_MAGIC = 0x053162;
  private static final int PAGE_HEADER = 26;

  private static final int P_HASH_UNSORTED = 2;
  private static final int P_OVERFLOW = 7;
  private static final int P_HASHMETA = 8;
  private static final int P_HASH = 13;

  private static final int H_KEYDATA = 1;
  private static final int H_DUPLICATE = 2;
  private static final int H_OFFPAGE = 3;
  private static final int H_OFFDUP = 4;

  private RpmBerkeleyDb() {}

  /** True when the bytes start like a BerkeleyDB database of any access method. */
  public static boolean looksLike(byte[] file) {
    if (file.length < 16) {
      return false;
    }
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      int magic = ByteBuffer.wrap(file).order(order).getInt(12);
      if (magic == HASH_MAGIC || magic == BTREE_MAGIC) {
        return true;
      }
    }
    return false;
  }

  /**
   * The header blobs in page order.
   *
   * @throws MalformedDatabaseException when the file is not a readable BerkeleyDB hash database
   */
  public static List<byte[]> headerBlobs(byte[] file) {
    if (file.length < 512) {
      throw new MalformedDatabaseException(
          "BerkeleyDB file of " + file.length + " bytes is shorter than one page");
    }
    ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (buf.getInt(12) != HASH_MAGIC) {
      buf.order(ByteOrder.BIG_ENDIAN);
      if (buf.getInt(12) != HASH_MAGIC) {
        if (buf.getInt(12) == BTREE_MAGIC
            || buf.order(ByteOrder.LITTLE_ENDIAN).getInt(12) == BTREE_MAGIC) {
          throw new MalformedDatabaseException(
              "BerkeleyDB btree database is not supported (rpm Packages uses the hash method)");
        }
        throw new MalformedDatabaseException("not a BerkeleyDB hash database (bad magic)");
      }
    }
    int pageSize = buf.getInt(20);
    if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      throw new MalformedDatabaseException("BerkeleyDB page size " + pageSize + " is invalid");
    }
    if (file[24] != 0) {
      throw new MalformedDatabaseException("BerkeleyDB database is encrypted");
    }
    if (file[25] != P_HASHMETA) {
      throw new MalformedDatabaseException(
          "BerkeleyDB page 0 has type " + file[25] + ", expected hash metadata");
    }
    long lastPage = Integer.toUnsignedLong(buf.getInt(32));
    if ((lastPage + 1) * pageSize > file.length) {
      throw new MalformedDatabaseException(
          "BerkeleyDB database declares "
              + (lastPage + 1)
              + " pages of "
              + pageSize
              + " bytes but the file has only "
              + file.length
              + " bytes");
    }
    Pages pages = new Pages(buf, pageSize, (int) lastPage);
    List<byte[]> blobs = new ArrayList<>();
    for (int page = 1; page <= lastPage; page++) {
      int type = pages.type(page);
      if (type == P_HASH || type == P_HASH_UNSORTED) {
        pages.readHashPage(page, blobs);
      }
    }
    return blobs;
  }

  /** Bounds-checked access to the pages of one database file. */
  private record Pages(ByteBuffer buf, int pageSize, int lastPage) {

    int type(int page) {
      return buf.get(page * pageSize + 25) & 0xff;
    }

    void readHashPage(int page, List<byte[]> blobs) {
      int base = page * pageSize;
      int entries = buf.getShort(base + 20) & 0xffff;
      if (entries % 2 != 0) {
        throw new MalformedDatabaseException(
            "BerkeleyDB hash page " + page + " has an odd number of items (" + entries + ")");
      }
      int indexEnd = PAGE_HEADER + 2 * entries;
      if (indexEnd > pageSize) {
        throw new MalformedDatabaseException(
            "BerkeleyDB hash page " + page + " item index overflows the page");
      }
      int[] offsets = new int[entries];
      for (int i = 0; i < entries; i++) {
        offsets[i] = buf.getShort(base + PAGE_HEADER + 2 * i) & 0xffff;
        if (offsets[i] < indexEnd || offsets[i] >= pageSize) {
          throw new MalformedDatabaseException(
              "BerkeleyDB hash page " + page + " item " + i + " offset is out of range");
        }
      }
      for (int i = 0; i < entries; i += 2) {
        byte[] key = item(page, offsets, i, "key");
        if (key != null && isZero(key)) {
          continue; // instance 0: rpm's bookkeeping record
        }
        byte[] value = item(page, offsets, i + 1, "value");
        if (value == null) {
          throw new MalformedDatabaseException(
              "BerkeleyDB hash page " + page + " item " + (i + 1) + " has an unknown type");
        }
        blobs.add(value);
      }
    }

    /** An item's bytes; null for an item type that is neither inline nor off-page data. */
    private byte[] item(int page, int[] offsets, int index, String role) {
      int base = page * pageSize;
      int start = offsets[index];
      int end = index == 0 ? pageSize : offsets[index - 1];
      int itemType = buf.get(base + start) & 0xff;
      switch (itemType) {
        case H_KEYDATA -> {
          // Inline items are packed from the page end down in index order (LEN_HITEM).
          if (end - start - 1 < 0) {
            throw new MalformedDatabaseException(
                "BerkeleyDB hash page " + page + " inline " + role + " item has a negative length");
          }
          byte[] data = new byte[end - start - 1];
          buf.get(base + start + 1, data);
          return data;
        }
        case H_OFFPAGE -> {
          if (start + 12 > pageSize) {
            throw new MalformedDatabaseException(
                "BerkeleyDB hash page " + page + " off-page " + role + " item is truncated");
          }
          long firstPage = Integer.toUnsignedLong(buf.getInt(base + start + 4));
          long length = Integer.toUnsignedLong(buf.getInt(base + start + 8));
          return overflowChain(firstPage, length);
        }
        case H_DUPLICATE, H_OFFDUP ->
            throw new MalformedDatabaseException(
                "BerkeleyDB hash page "
                    + page
                    + " holds duplicate items, which rpm Packages databases do not use");
        default -> {
          return null;
        }
      }
    }

    private byte[] overflowChain(long firstPage, long length) {
      if (length > buf.capacity()) {
        throw new MalformedDatabaseException(
            "BerkeleyDB off-page item claims " + length + " bytes, more than the whole file");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) length);
      Set<Long> visited = new HashSet<>();
      long page = firstPage;
      while (page != 0) {
        if (page > lastPage || !visited.add(page)) {
          throw new MalformedDatabaseException(
              "BerkeleyDB overflow chain points to page " + page + " (out of range or a loop)");
        }
        int base = (int) page * pageSize;
        if (type((int) page) != P_OVERFLOW) {
          throw new MalformedDatabaseException(
              "BerkeleyDB overflow chain reaches page " + page + " of type " + type((int) page));
        }
        int dataLength = buf.getShort(base + 22) & 0xffff;
        if (PAGE_HEADER + dataLength > pageSize) {
          throw new MalformedDatabaseException(
              "BerkeleyDB overflow page " + page + " data length " + dataLength + " is too big");
        }
        out.write(buf.array(), base + PAGE_HEADER, dataLength);
        page = Integer.toUnsignedLong(buf.getInt(base + 16));
      }
      if (out.size() != length) {
        throw new MalformedDatabaseException(
            "BerkeleyDB off-page item has " + out.size() + " bytes, expected " + length);
      }
      return out.toByteArray();
    }

    private static boolean isZero(byte[] key) {
      if (key.length != 4) {
        return false;
      }
      for (byte b : key) {
        if (b != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
