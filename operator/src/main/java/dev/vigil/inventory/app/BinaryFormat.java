package dev.vigil.inventory.app;

import java.util.ArrayList;
import java.util.List;

/**
 * What the first bytes of an executable say about it: its container format (ELF, PE, Mach-O) and
 * where its loaded segments lie, so that a virtual address can be turned into a file offset
 * without seeking. All three formats put these tables at the start of the file; when they are
 * not within the bytes given, the format is still recognised but no address can be mapped.
 */
final class BinaryFormat {

  enum Kind {
    ELF,
    PE,
    MACH_O,
    /** A universal (fat) Mach-O: several slices; addresses are not mapped. */
    MACH_O_FAT
  }

  /** A loaded range: {@code [vaddr, vaddr+size)} in memory is {@code [offset, offset+size)}. */
  record Segment(long vaddr, long offset, long size, boolean writable) {}

  final Kind kind;
  final boolean bigEndian;
  final List<Segment> segments;

  private BinaryFormat(Kind kind, boolean bigEndian, List<Segment> segments) {
    this.kind = kind;
    this.bigEndian = bigEndian;
    this.segments = List.copyOf(segments);
  }

  /** The file offset of a virtual address, or -1 when no loaded segment holds it. */
  long offsetOf(long vaddr) {
    for (Segment s : segments) {
      if (Long.compareUnsigned(vaddr, s.vaddr) >= 0 && vaddr - s.vaddr < s.size) {
        return s.offset + (vaddr - s.vaddr);
      }
    }
    return -1;
  }

  /** True when {@code offset} lies in the file range of a loaded segment. */
  boolean isLoaded(long offset) {
    for (Segment s : segments) {
      if (offset >= s.offset && offset - s.offset < s.size) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a file may be an executable worth searching for build data: executable by someone,
   * or named .exe, and at least as long as the smallest header looked at (ELF's 64 bytes).
   */
  static boolean mayBeExecutable(String path, int mode, long size) {
    return size >= 64 && ((mode & 0111) != 0 || path.endsWith(".exe"));
  }

  /**
   * The format of a file from its first bytes, or null when it is none of the executable
   * formats (a script, a text file, random bytes). Never throws: tables that run past the bytes
   * given or hold nonsense leave the segment list short or empty.
   */
  static BinaryFormat detect(byte[] head, int length) {
    if (length < 4) {
      return null;
    }
    int b0 = head[0] & 0xff;
    int b1 = head[1] & 0xff;
    int b2 = head[2] & 0xff;
    int b3 = head[3] & 0xff;
    if (b0 == 0x7f && b1 == 'E' && b2 == 'L' && b3 == 'F') {
      return elf(head, length);
    }
    if (b0 == 'M' && b1 == 'Z') {
      return pe(head, length);
    }
    long magicLe = b0 | (b1 << 8) | (b2 << 16) | ((long) b3 << 24);
    if (magicLe == 0xfeedfaceL || magicLe == 0xfeedfacfL) {
      return machO(head, length, false, magicLe == 0xfeedfacfL);
    }
    long magicBe = ((long) b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
    if (magicBe == 0xfeedfaceL || magicBe == 0xfeedfacfL) {
      return machO(head, length, true, magicBe == 0xfeedfacfL);
    }
    if (magicBe == 0xcafebabeL && length >= 8) {
      // Java class files share this magic; a fat Mach-O has a small architecture count where a
      // class file has its version (45 and up).
      long archs = Bytes.u32(head, 4, true);
      if (archs > 0 && archs < 20) {
        return new BinaryFormat(Kind.MACH_O_FAT, true, List.of());
      }
    }
    return null;
  }

  private static BinaryFormat elf(byte[] h, int length) {
    if (length < 52) {
      return null;
    }
    boolean is64 = h[4] == 2;
    boolean be = h[5] == 2;
    if ((h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2)) {
      return null;
    }
    List<Segment> segments = new ArrayList<>();
    long phoff;
    int phentsize;
    int phnum;
    if (is64) {
      if (length < 64) {
        return new BinaryFormat(Kind.ELF, be, segments);
      }
      phoff = Bytes.u64(h, 32, be);
      phentsize = Bytes.u16(h, 54, be);
      phnum = Bytes.u16(h, 56, be);
    } else {
      phoff = Bytes.u32(h, 28, be);
      phentsize = Bytes.u16(h, 42, be);
      phnum = Bytes.u16(h, 44, be);
    }
    int minEntry = is64 ? 56 : 32;
    if (phentsize < minEntry) {
      return new BinaryFormat(Kind.ELF, be, segments);
    }
    for (int i = 0; i < phnum; i++) {
      long at = phoff + (long) i * phentsize;
      if (at < 0 || at + minEntry > length) {
        break;
      }
      int p = (int) at;
      long type = Bytes.u32(h, p, be);
      if (type != 1) { // PT_LOAD
        continue;
      }
      long flags;
      long offset;
      long vaddr;
      long filesz;
      if (is64) {
        flags = Bytes.u32(h, p + 4, be);
        offset = Bytes.u64(h, p + 8, be);
        vaddr = Bytes.u64(h, p + 16, be);
        filesz = Bytes.u64(h, p + 32, be);
      } else {
        offset = Bytes.u32(h, p + 4, be);
        vaddr = Bytes.u32(h, p + 8, be);
        filesz = Bytes.u32(h, p + 16, be);
        flags = Bytes.u32(h, p + 24, be);
      }
      if (offset >= 0 && filesz > 0) {
        segments.add(new Segment(vaddr, offset, filesz, (flags & 2) != 0));
      }
    }
    return new BinaryFormat(Kind.ELF, be, segments);
  }

  private static BinaryFormat pe(byte[] h, int length) {
    if (length < 0x40) {
      return null;
    }
    long peOffset = Bytes.u32(h, 0x3c, false);
    if (peOffset + 24 > length) {
      // An MZ stub without a PE header in reach (or a DOS program): not something we read.
      return null;
    }
    int pe = (int) peOffset;
    if (h[pe] != 'P' || h[pe + 1] != 'E' || h[pe + 2] != 0 || h[pe + 3] != 0) {
      return null;
    }
    int coff = pe + 4;
    int sections = Bytes.u16(h, coff + 2, false);
    int optionalSize = Bytes.u16(h, coff + 16, false);
    int optional = coff + 20;
    List<Segment> segments = new ArrayList<>();
    if (optional + optionalSize > length || optionalSize < 32) {
      return new BinaryFormat(Kind.PE, false, segments);
    }
    int magic = Bytes.u16(h, optional, false);
    long imageBase;
    if (magic == 0x20b) {
      imageBase = Bytes.u64(h, optional + 24, false);
    } else if (magic == 0x10b) {
      imageBase = Bytes.u32(h, optional + 28, false);
    } else {
      return new BinaryFormat(Kind.PE, false, segments);
    }
    int table = optional + optionalSize;
    for (int i = 0; i < sections; i++) {
      int s = table + i * 40;
      if (s + 40 > length) {
        break;
      }
      long virtualAddress = Bytes.u32(h, s + 12, false);
      long rawSize = Bytes.u32(h, s + 16, false);
      long rawPointer = Bytes.u32(h, s + 20, false);
      long characteristics = Bytes.u32(h, s + 36, false);
      if (rawSize > 0) {
        segments.add(
            new Segment(
                imageBase + virtualAddress,
                rawPointer,
                rawSize,
                (characteristics & 0x80000000L) != 0));
      }
    }
    return new BinaryFormat(Kind.PE, false, segments);
  }

  private static BinaryFormat machO(byte[] h, int length, boolean be, boolean is64) {
    int headerSize = is64 ? 32 : 28;
    List<Segment> segments = new ArrayList<>();
    if (length < headerSize) {
      return new BinaryFormat(Kind.MACH_O, be, segments);
    }
    long commands = Bytes.u32(h, 16, be);
    int at = headerSize;
    for (long i = 0; i < commands && at + 8 <= length; i++) {
      long cmd = Bytes.u32(h, at, be);
      long size = Bytes.u32(h, at + 4, be);
      if (size < 8) {
        break;
      }
      if (cmd == 0x19 && at + 72 <= length) { // LC_SEGMENT_64
        long vmaddr = Bytes.u64(h, at + 24, be);
        long fileoff = Bytes.u64(h, at + 40, be);
        long filesize = Bytes.u64(h, at + 48, be);
        long initprot = Bytes.u32(h, at + 60, be);
        if (filesize > 0) {
          segments.add(new Segment(vmaddr, fileoff, filesize, (initprot & 2) != 0));
        }
      } else if (cmd == 0x1 && at + 56 <= length) { // LC_SEGMENT
        long vmaddr = Bytes.u32(h, at + 24, be);
        long fileoff = Bytes.u32(h, at + 32, be);
        long filesize = Bytes.u32(h, at + 36, be);
        long initprot = Bytes.u32(h, at + 44, be);
        if (filesize > 0) {
          segments.add(new Segment(vmaddr, fileoff, filesize, (initprot & 2) != 0));
        }
      }
      if (size > Integer.MAX_VALUE - at) {
        break;
      }
      at += (int) size;
    }
    return new BinaryFormat(Kind.MACH_O, be, segments);
  }

  /** Fixed-width integer reads from a byte array. */
  static final class Bytes {
    private Bytes() {}

    static int u16(byte[] b, int at, boolean be) {
      int x = b[at] & 0xff;
      int y = b[at + 1] & 0xff;
      return be ? (x << 8) | y : (y << 8) | x;
    }

    static long u32(byte[] b, int at, boolean be) {
      return unsigned(b, at, 4, be);
    }

    static long u64(byte[] b, int at, boolean be) {
      return unsigned(b, at, 8, be);
    }

    private static long unsigned(byte[] b, int at, int width, boolean be) {
      long v = 0;
      for (int i = 0; i < width; i++) {
        int k = be ? i : width - 1 - i;
        v = (v << 8) | (b[at + k] & 0xff);
      }
      return v;
    }

    static long pointer(byte[] b, int at, int size, boolean be) {
      return size == 8 ? u64(b, at, be) : u32(b, at, be);
    }
  }
}
