package dev.vigil.inventory.app;

import dev.vigil.inventory.ApplicationPackage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Go modules compiled into an executable, from the build information the Go toolchain (1.13 and
 * later) embeds: the main module, every dependency with its version ({@code replace}d ones under
 * their replacement) and the toolchain's version as the {@code stdlib} module.
 *
 * <p>The executable streams past once (docs/language-packages-binaries.md). Its format (ELF, PE,
 * Mach-O) and segment table come from the first chunk; build info starts with the magic
 * {@code "\xff Go buildinf:"} at a 16-byte aligned offset in a writable segment, so a non-Go
 * binary costs one pass of a byte comparison and reading stops at the end of its data segment.
 * Go 1.18 and later write the strings right after the magic. Older toolchains write pointers to
 * string headers in {@code .data}, whose bytes live in {@code .rodata} earlier in the file: while
 * the stream passes the read-only part, the reader keeps every candidate of those strings (a
 * {@code go1.} prefix, the module-info sentinel and what follows up to its end sentinel), each
 * bounded, and the pointers then choose among them.
 */
public final class GoBinaryReader implements LanguagePackageReader {

  static final String ECOSYSTEM = "Go";
  static final String STDLIB = "stdlib";

  static final long DEFAULT_SCAN_CAP = 1L << 30;
  static final int MODINFO_CAP = 4 << 20;
  private static final int VERSION_CAP = 256;
  private static final int CHUNK = 1 << 16;
  private static final int KEEP = 96;
  private static final int MAX_VERSION_CANDIDATES = 4096;
  private static final int MAX_MODINFO_CANDIDATES = 8;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long WORD_G = ONES * 'g';
  private static final long WORD_INFO = ONES * 0x30;

  private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
  // runtime/debug's module-info framing (cmd/go/internal/modload/build.go infoStart/infoEnd).
  private static final byte[] INFO_START = hex("3077af0c9274080241e1c107e6d618e6");
  private static final byte[] INFO_END = hex("f932433186182072008242104116d8f2");

  private final long scanCap;

  public GoBinaryReader() {
    this(DEFAULT_SCAN_CAP);
  }

  /** @param scanCap bytes of an executable searched at most; past it a problem is reported */
  GoBinaryReader(long scanCap) {
    this.scanCap = scanCap;
  }

  @Override
  public String name() {
    return "go-binary";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    return BinaryFormat.mayBeExecutable(path, mode, size);
  }

  @Override
  public PackageEvidence read(String path, InputStream content, long size) throws IOException {
    Scan scan = new Scan("/" + path, content, size);
    return scan.run();
  }

  /** One executable's pass; all state lives here so that the reader itself stays stateless. */
  private final class Scan {
    private final String where;
    private final BinaryWindow window;
    private final long size;
    private final List<String> problems = new ArrayList<>();
    private BinaryFormat format;
    private long dataEnd = Long.MAX_VALUE;

    // Candidates for the pre-1.18 strings, kept only until the magic is found.
    private final Map<Long, byte[]> versionCandidates = new HashMap<>();
    private final List<Candidate> modinfoCandidates = new ArrayList<>();
    private boolean candidatesOverflowed;
    // All module-info candidates together stay within one module info's cap.
    private long candidateBytes;

    private boolean found;
    private boolean finished;
    private String goVersion;
    private String modinfo;
    private boolean pointerStyle;

    Scan(String where, InputStream in, long size) {
      this.where = where;
      this.size = size;
      this.window = new BinaryWindow(in, CHUNK, KEEP, scanCap, size);
    }

    PackageEvidence run() throws IOException {
      if (!window.advance()) {
        return PackageEvidence.NONE;
      }
      format = BinaryFormat.detect(window.buffer(), window.length());
      if (format == null) {
        return PackageEvidence.NONE;
      }
      long writableEnd = 0;
      boolean anyWritable = false;
      for (BinaryFormat.Segment s : format.segments) {
        if (s.writable()) {
          anyWritable = true;
          writableEnd = Math.max(writableEnd, s.offset() + s.size());
        }
      }
      if (anyWritable) {
        dataEnd = writableEnd;
      }
      do {
        scanChunk();
        if (found ? !window.hasPending() : window.base() + window.scanEnd() >= dataEnd) {
          break;
        }
      } while (window.advance());
      if (!found) {
        if (size > scanCap && dataEnd > scanCap) {
          problems.add(where + ": not searched for Go build info past " + scanCap + " bytes");
        }
        return new PackageEvidence(List.of(), problems);
      }
      if (!finished) {
        if (problems.isEmpty()) {
          problems.add(where + ": Go build info is incomplete (file truncated?)");
        }
        return new PackageEvidence(List.of(), problems);
      }
      return new PackageEvidence(packages(), problems);
    }

    private void scanChunk() {
      byte[] b = window.buffer();
      int end = window.scanEnd();
      int len = window.length();
      long base = window.base();
      int p = 0;
      while (p < end && !found) {
        long abs = base + p;
        if ((abs & 7) != 0 || p + 8 > end) {
          examine(b, p, len, abs);
          p++;
          continue;
        }
        // Eight bytes at a time: most words hold neither a 'g' nor the sentinel's first byte,
        // and the magic is only looked for at 16-byte aligned offsets.
        int next = nextWordOfInterest(b, p, end, base);
        if (next != p) {
          p = next;
          continue;
        }
        if ((abs & 15) == 0 && b[p] == (byte) 0xff) {
          examine(b, p, len, abs);
          if (found) {
            return;
          }
        }
        long word = (long) LONG_LE.get(b, p);
        if ((hasByte(word, WORD_G) | hasByte(word, WORD_INFO)) != 0) {
          for (int k = 0; k < 8; k++) {
            examineCandidate(b, p + k, len, abs + k);
          }
        }
        p += 8;
      }
    }

    /**
     * From {@code p} (8-byte aligned in the file), the offset of the first word that may hold
     * something: a 'g', the modinfo sentinel's first byte, or 0xff at a 16-byte aligned offset;
     * or the offset where fewer than 8 bytes are left. The hot loop of the scan, in a method of
     * its own so that the JIT compiles this loop and not the whole of {@link #scanChunk}.
     */
    private static int nextWordOfInterest(byte[] b, int p, int end, long base) {
      while (p + 8 <= end) {
        if (((base + p) & 15) == 0 && b[p] == (byte) 0xff) {
          return p;
        }
        long word = (long) LONG_LE.get(b, p);
        if ((hasByte(word, WORD_G) | hasByte(word, WORD_INFO)) != 0) {
          return p;
        }
        p += 8;
      }
      return p;
    }

    private void examine(byte[] b, int p, int len, long abs) {
      if (b[p] == (byte) 0xff) {
        if ((abs & 15) == 0 && startsWith(b, p, len, MAGIC) && inData(abs)) {
          found = true;
          header(b, p, len, abs);
        }
      } else {
        examineCandidate(b, p, len, abs);
      }
    }

    private void examineCandidate(byte[] b, int p, int len, long abs) {
      byte x = b[p];
      if (x == 'g') {
        if (p + 4 < len && b[p + 1] == 'o' && b[p + 2] == '1' && b[p + 3] == '.') {
          rememberVersion(b, p, len, abs);
        }
      } else if (x == INFO_START[0] && startsWith(b, p, len, INFO_START)) {
        rememberModinfo(abs);
      }
    }

    private boolean inData(long abs) {
      if (format.segments.stream().noneMatch(BinaryFormat.Segment::writable)) {
        return true;
      }
      for (BinaryFormat.Segment s : format.segments) {
        if (s.writable() && abs >= s.offset() && abs - s.offset() < s.size()) {
          return true;
        }
      }
      return false;
    }

    private void rememberVersion(byte[] b, int p, int len, long abs) {
      if (versionCandidates.size() >= MAX_VERSION_CANDIDATES) {
        candidatesOverflowed = true;
        return;
      }
      int n = Math.min(64, len - p);
      byte[] copy = new byte[n];
      System.arraycopy(b, p, copy, 0, n);
      versionCandidates.put(abs, copy);
    }

    private void rememberModinfo(long abs) {
      if (modinfoCandidates.size() >= MAX_MODINFO_CANDIDATES) {
        candidatesOverflowed = true;
        return;
      }
      Candidate c = new Candidate(abs);
      modinfoCandidates.add(c);
      c.follow();
    }

    /** The 32-byte header after the magic: pointer size, flags, and two pointers (pre-1.18). */
    private void header(byte[] b, int p, int len, long abs) {
      if (len - p < 32) {
        problems.add(where + ": Go build info header is truncated");
        return;
      }
      int ptrSize = b[p + 14];
      int flags = b[p + 15];
      boolean bigEndian = (flags & 1) != 0;
      if ((flags & 2) != 0) {
        readInline(abs + 32);
        return;
      }
      pointerStyle = true;
      if (format.segments.isEmpty()) {
        problems.add(where + ": Go build info of a pre-1.18 toolchain needs the segment table,"
            + " which this " + format.kind + " file does not give; not read");
        return;
      }
      if (ptrSize != 4 && ptrSize != 8) {
        problems.add(where + ": Go build info has pointer size " + ptrSize + ", not 4 or 8");
        return;
      }
      long versionHeader = BinaryFormat.Bytes.pointer(b, p + 16, ptrSize, bigEndian);
      long modinfoHeader = BinaryFormat.Bytes.pointer(b, p + 16 + ptrSize, ptrSize, bigEndian);
      String[] results = new String[2];
      Runnable complete =
          () -> {
            if (results[0] != null && results[1] != null) {
              goVersion = results[0];
              modinfo = results[1];
              finished = true;
            }
          };
      resolveString(versionHeader, ptrSize, bigEndian, VERSION_CAP, "Go version", s -> {
        results[0] = s;
        complete.run();
      });
      resolveString(modinfoHeader, ptrSize, bigEndian, MODINFO_CAP, "module info", s -> {
        results[1] = s;
        complete.run();
      });
    }

    /** Go 1.18+: two varint-prefixed strings right after the header. */
    private void readInline(long at) {
      window.capture(at, 10, first -> {
        long[] n1 = uvarint(first.data, first.filled);
        if (n1 == null || n1[0] > VERSION_CAP) {
          problems.add(where + ": Go build info version length is malformed");
          return;
        }
        long versionAt = at + n1[1];
        window.capture(versionAt, (int) n1[0] + 10, second -> {
          if (second.filled < n1[0] + 1) {
            problems.add(where + ": Go build info is truncated");
            return;
          }
          String version = new String(second.data, 0, (int) n1[0], StandardCharsets.UTF_8);
          byte[] rest = new byte[second.filled - (int) n1[0]];
          System.arraycopy(second.data, (int) n1[0], rest, 0, rest.length);
          long[] n2 = uvarint(rest, rest.length);
          if (n2 == null) {
            problems.add(where + ": Go build info module-info length is malformed");
            return;
          }
          if (n2[0] > MODINFO_CAP) {
            problems.add(
                where + ": Go module info of " + n2[0] + " bytes is over the cap of "
                    + MODINFO_CAP + " bytes; not read");
            return;
          }
          window.capture(versionAt + n1[0] + n2[1], (int) n2[0], third -> {
            if (!third.complete()) {
              problems.add(where + ": Go module info is truncated");
              return;
            }
            goVersion = version;
            modinfo = stripSentinels(third.data);
            finished = true;
          });
        });
      });
    }

    /** Follows a pointer to a Go string header {data pointer, length} to the string's bytes. */
    private void resolveString(
        long headerAddress,
        int ptrSize,
        boolean bigEndian,
        int cap,
        String what,
        java.util.function.Consumer<String> done) {
      long headerOffset = format.offsetOf(headerAddress);
      if (headerOffset < 0) {
        problems.add(where + ": Go build info points outside the file for the " + what);
        return;
      }
      boolean ahead =
          window.capture(headerOffset, 2 * ptrSize, h -> {
            if (!h.complete()) {
              problems.add(where + ": Go build info is truncated at the " + what + " header");
              return;
            }
            long data = BinaryFormat.Bytes.pointer(h.data, 0, ptrSize, bigEndian);
            long length = BinaryFormat.Bytes.pointer(h.data, ptrSize, ptrSize, bigEndian);
            if (length < 0 || length > cap) {
              problems.add(where + ": Go " + what + " of " + length + " bytes is over the cap of "
                  + cap + " bytes; not read");
              return;
            }
            long dataOffset = format.offsetOf(data);
            if (dataOffset < 0) {
              problems.add(where + ": Go build info points outside the file for the " + what);
              return;
            }
            byte[] behind = earlier(dataOffset, (int) length, what);
            if (behind != null) {
              done.accept(what.equals("module info")
                  ? stripSentinels(behind)
                  : new String(behind, StandardCharsets.UTF_8));
              return;
            }
            boolean later =
                window.capture(dataOffset, (int) length, s -> {
                  if (!s.complete()) {
                    problems.add(where + ": Go " + what + " is truncated");
                    return;
                  }
                  done.accept(what.equals("module info")
                      ? stripSentinels(s.data)
                      : new String(s.data, StandardCharsets.UTF_8));
                });
            if (!later) {
              problems.add(where + ": Go " + what + " string was not found"
                  + (candidatesOverflowed ? " (too many candidates to keep)" : ""));
            }
          });
      if (!ahead) {
        problems.add(where + ": Go build info points backwards for the " + what
            + " header; not readable in one pass");
      }
    }

    /** Bytes of a string that streamed past before the magic, from the kept candidates. */
    private byte[] earlier(long offset, int length, String what) {
      if (offset >= window.base()) {
        return null;
      }
      if (what.equals("module info")) {
        for (Candidate c : modinfoCandidates) {
          if (c.offset == offset && c.size >= length) {
            byte[] out = new byte[length];
            System.arraycopy(c.bytes, 0, out, 0, length);
            return out;
          }
        }
        return null;
      }
      byte[] v = versionCandidates.get(offset);
      if (v == null || v.length < length) {
        return null;
      }
      byte[] out = new byte[length];
      System.arraycopy(v, 0, out, 0, length);
      return out;
    }

    /** A module-info string seen in the stream, collected up to its end sentinel (bounded). */
    private final class Candidate {
      final long offset;
      byte[] bytes = new byte[256];
      int size;

      Candidate(long offset) {
        this.offset = offset;
      }

      /** Asks the window for the next piece until the end sentinel or the cap. */
      void follow() {
        int piece = 4096;
        window.capture(offset + size, piece, c -> {
          int before = size;
          append(c.data, c.filled);
          candidateBytes += c.filled;
          if (candidateBytes > MODINFO_CAP + 32) {
            candidatesOverflowed = true;
          } else if (c.filled == piece && !ended(before) && !found) {
            follow();
          }
        });
      }

      private void append(byte[] data, int n) {
        if (size + n > bytes.length) {
          bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }
        System.arraycopy(data, 0, bytes, size, n);
        size += n;
      }

      private boolean ended(int before) {
        for (int i = Math.max(16, before - 15); i + 16 <= size; i++) {
          if (startsWith(bytes, i, size, INFO_END)) {
            size = i + 16;
            return true;
          }
        }
        return false;
      }
    }

    private List<ApplicationPackage> packages() {
      GoBuildInfo info = GoBuildInfo.parse(goVersion, modinfo);
      List<ApplicationPackage> out = new ArrayList<>();
      if (info.main() != null && !info.main().path().isEmpty()) {
        String ldflags = info.settings().get("-ldflags");
        String fromFlags =
            ldflags == null
                ? ""
                : GoBuildInfo.ldflagsVersion(info.main().path(), GoBuildInfo.splitFlags(ldflags));
        String chosen = GoBuildInfo.chooseMainVersion(info.main().version(), fromFlags);
        out.add(pkg(info.main().path(), chosen.isEmpty() ? GoBuildInfo.DEVEL
            : GoBuildInfo.osvVersion(chosen)));
      }
      String stdlib = GoBuildInfo.stdlibVersion(info.goVersion());
      if (stdlib != null) {
        out.add(pkg(STDLIB, stdlib));
      } else if (pointerStyle || !goVersion.isEmpty()) {
        problems.add(where + ": Go toolchain version \"" + goVersion
            + "\" is no release; stdlib not reported");
      }
      for (GoBuildInfo.Module dep : info.deps()) {
        if (dep.path().isEmpty()) {
          continue; // old toolchains emit an empty dep line
        }
        String v = dep.version();
        if (v.isEmpty() || v.equals(GoBuildInfo.DEVEL)) {
          // Replaced by a local directory: the module's own path says what it stands for, and
          // no version of it applies.
          boolean local = dep.replaced() != null
              && (dep.path().startsWith(".") || dep.path().startsWith("/"));
          out.add(pkg(local ? dep.replaced() : dep.path(), GoBuildInfo.DEVEL));
        } else {
          out.add(pkg(dep.path(), GoBuildInfo.osvVersion(v)));
        }
      }
      return out;
    }

    private ApplicationPackage pkg(String name, String version) {
      return new ApplicationPackage(ECOSYSTEM, name, version, where, null);
    }
  }

  /** runtime/debug's framing: 16 bytes before and after the text, else no module info. */
  static String stripSentinels(byte[] mod) {
    int n = mod.length;
    if (n >= 33 && mod[n - 17] == '\n') {
      return new String(mod, 16, n - 32, StandardCharsets.UTF_8);
    }
    return "";
  }

  /** encoding/binary.Uvarint: {value, bytes used}, or null when malformed or cut short. */
  static long[] uvarint(byte[] b, int n) {
    long x = 0;
    int shift = 0;
    for (int i = 0; i < n && i < 10; i++) {
      int v = b[i] & 0xff;
      if (v < 0x80) {
        if (i == 9 && v > 1) {
          return null;
        }
        return new long[] {x | ((long) v << shift), i + 1};
      }
      x |= (long) (v & 0x7f) << shift;
      shift += 7;
    }
    return null;
  }

  /** Non-zero when some byte of {@code word} equals the byte repeated in {@code pattern}. */
  private static long hasByte(long word, long pattern) {
    long x = word ^ pattern;
    return (x - ONES) & ~x & 0x8080808080808080L;
  }

  static boolean startsWith(byte[] b, int p, int len, byte[] pattern) {
    if (len - p < pattern.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if (b[p + i] != pattern[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
