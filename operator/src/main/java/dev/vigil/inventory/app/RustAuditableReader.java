package dev.vigil.inventory.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.inventory.ApplicationPackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Rust crates compiled into an executable built with cargo-auditable: the linker section {@code
 * .dep-v0} holds the zlib-compressed JSON {@code {"packages":[{"name","version","source","kind",
 * ...}]}}. Crates of kind {@code build} (build scripts, not in the binary) are left out; the rest
 * (no {@code kind}, or {@code runtime}) are reported, the root crate included, as Trivy and
 * osv-scalibr do.
 *
 * <p>One forward pass (docs/language-packages-binaries.md): the section table of an ELF file
 * lies at its end, so the reader does not look the section up; it looks for the section's
 * content instead, a zlib stream whose first inflated bytes are {@code {"packages":[}. In an
 * ELF file the section is not loaded, so only bytes outside the loaded segments are tried (the
 * debug and symbol sections at the end); in PE and Mach-O files every position is. Each
 * candidate costs a two-byte check and, rarely, inflating a few bytes.
 */
public final class RustAuditableReader implements LanguagePackageReader {

  static final String ECOSYSTEM = "crates.io";

  static final long DEFAULT_SCAN_CAP = 1L << 30;
  /** cargo-auditable itself refuses more than 8 MiB of inflated JSON. */
  static final int JSON_CAP = 8 << 20;
  static final int DEFAULT_MAX_PROBES = 200_000;
  private static final int CHUNK = 1 << 16;
  // A dynamic-Huffman block spends up to a few hundred bytes on its code tables before the
  // first literal: a large dependency list compresses so (64 bytes were not enough).
  private static final int PROBE_INPUT = 1024;
  private static final byte[] PREFIX = "{\"packages\":[".getBytes(StandardCharsets.US_ASCII);
  /**
   * Created when cargo-auditable data is found, not when the reader is: every scan constructs the
   * standard readers, and a databind mapper is a cost a cold CLI run need not pay (issue 12).
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final long scanCap;
  private final int maxProbes;

  public RustAuditableReader() {
    this(DEFAULT_SCAN_CAP, DEFAULT_MAX_PROBES);
  }

  /**
   * @param scanCap bytes of an executable searched at most; past it a problem is reported
   * @param maxProbes zlib-looking candidates tried at most (about one per 16 KiB of random
   *     bytes: 200000 is some 3 GiB of debug sections)
   */
  RustAuditableReader(long scanCap, int maxProbes) {
    this.scanCap = scanCap;
    this.maxProbes = maxProbes;
  }

  @Override
  public String name() {
    return "rust-auditable";
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
    String where = "/" + path;
    BinaryWindow window = new BinaryWindow(content, CHUNK, PROBE_INPUT, scanCap, size);
    if (!window.advance()) {
      return PackageEvidence.NONE;
    }
    BinaryFormat format = BinaryFormat.detect(window.buffer(), window.length());
    if (format == null) {
      return PackageEvidence.NONE;
    }
    boolean skipLoaded = format.kind == BinaryFormat.Kind.ELF && !format.segments.isEmpty();
    Inflater probe = new Inflater();
    byte[] probeOut = new byte[PREFIX.length];
    int probes = 0;
    try {
      do {
        byte[] b = window.buffer();
        int end = window.scanEnd();
        int len = window.length();
        long base = window.base();
        int p = 0;
        while (p < end) {
          long abs = base + p;
          long stop = end;
          if (skipLoaded) {
            long loadedEnd = loadedEnd(format, abs);
            if (loadedEnd > abs) {
              p = (int) Math.min(end, p + (loadedEnd - abs));
              continue;
            }
            stop = Math.min(end, p + (nextLoaded(format, abs) - abs));
          }
          while ((p = nextZlibHeader(b, p, (int) stop, len)) >= 0) {
            if (++probes > maxProbes) {
              return new PackageEvidence(
                  List.of(),
                  List.of(where + ": gave up looking for cargo-auditable data after "
                      + maxProbes + " candidates"));
            }
            if (startsWithPrefix(probe, probeOut, b, p, len)) {
              return inflateAndParse(where, window, p);
            }
            p++;
          }
          p = (int) stop;
        }
      } while (window.advance());
    } finally {
      probe.end();
    }
    if (size > scanCap) {
      return new PackageEvidence(
          List.of(), List.of(where + ": not searched for cargo-auditable data past "
              + scanCap + " bytes"));
    }
    return PackageEvidence.NONE;
  }

  private static long loadedEnd(BinaryFormat format, long abs) {
    long end = abs;
    for (BinaryFormat.Segment s : format.segments) {
      if (abs >= s.offset() && abs - s.offset() < s.size()) {
        end = Math.max(end, s.offset() + s.size());
      }
    }
    return end;
  }

  private static long nextLoaded(BinaryFormat format, long abs) {
    long next = Long.MAX_VALUE;
    for (BinaryFormat.Segment s : format.segments) {
      if (s.offset() > abs) {
        next = Math.min(next, s.offset());
      }
    }
    return next;
  }

  /**
   * Where in {@code b[from, to)} the next zlib header starts, or -1. The one hot loop of this
   * reader, kept in a method of its own: the JIT then compiles a few bytes of loop instead of
   * the whole of {@link #read} (which cost a cold scan of a Debian image 0.1 s of compiler time).
   */
  private static int nextZlibHeader(byte[] b, int from, int to, int len) {
    for (int p = from; p < to; p++) {
      if (b[p] == 0x78 && zlibHeader(b, p, len)) {
        return p;
      }
    }
    return -1;
  }

  /** RFC 1950: deflate, no preset dictionary, check bits right, a block type that exists. */
  private static boolean zlibHeader(byte[] b, int p, int len) {
    if (p + 3 > len) {
      return false;
    }
    int cmf = b[p] & 0xff;
    int flg = b[p + 1] & 0xff;
    if (((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0) {
      return false;
    }
    return ((b[p + 2] >> 1) & 3) != 3;
  }

  private static boolean startsWithPrefix(Inflater probe, byte[] out, byte[] b, int p, int len) {
    probe.reset();
    probe.setInput(b, p, Math.min(PROBE_INPUT, len - p));
    int got = 0;
    try {
      while (got < out.length) {
        int n = probe.inflate(out, got, out.length - got);
        if (n == 0) {
          break;
        }
        got += n;
      }
    } catch (DataFormatException notZlib) {
      return false;
    }
    if (got < out.length) {
      return false;
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] != PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  /** Inflates the whole section from index {@code p} on, reading further chunks as needed. */
  private PackageEvidence inflateAndParse(String where, BinaryWindow window, int p)
      throws IOException {
    Inflater inflater = new Inflater();
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    byte[] out = new byte[8192];
    try {
      inflater.setInput(window.buffer(), p, window.length() - p);
      while (!inflater.finished()) {
        int n = inflater.inflate(out);
        if (n > 0) {
          if (json.size() + n > JSON_CAP) {
            return problem(where + ": cargo-auditable data inflates past the cap of "
                + JSON_CAP + " bytes; not read");
          }
          json.write(out, 0, n);
          continue;
        }
        if (inflater.needsInput()) {
          long consumedEnd = window.base() + window.length();
          if (!window.advance()) {
            return problem(where + ": cargo-auditable data is truncated");
          }
          // advance() carried over the bytes past scanEnd(), which the inflater already has.
          int fresh = (int) (consumedEnd - window.base());
          inflater.setInput(window.buffer(), fresh, window.length() - fresh);
        } else if (inflater.needsDictionary()) {
          return problem(where + ": cargo-auditable data needs a preset dictionary");
        }
      }
    } catch (DataFormatException e) {
      return problem(where + ": cargo-auditable data is not valid zlib: " + e.getMessage());
    } finally {
      inflater.end();
    }
    return parse(where, json.toByteArray());
  }

  static PackageEvidence parse(String where, byte[] json) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return problem(where + ": cargo-auditable data is not valid JSON: " + e.getMessage());
    }
    JsonNode list = root == null ? null : root.get("packages");
    if (list == null || !list.isArray()) {
      return problem(where + ": cargo-auditable data has no package list");
    }
    List<ApplicationPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode entry : list) {
      String name = text(entry, "name");
      String version = text(entry, "version");
      String kind = text(entry, "kind");
      if (name == null || name.isBlank() || version == null || version.isBlank()) {
        problems.add(where + ": cargo-auditable entry without name or version skipped");
        continue;
      }
      if (kind != null && !kind.equals("runtime")) {
        continue; // build-time only: a build script's or proc-macro's dependency
      }
      packages.add(new ApplicationPackage(ECOSYSTEM, name, version, where, null));
    }
    return new PackageEvidence(packages, problems);
  }

  private static String text(JsonNode entry, String field) {
    JsonNode v = entry == null ? null : entry.get(field);
    return v == null || !v.isTextual() ? null : v.asText();
  }

  private static PackageEvidence problem(String sentence) {
    return new PackageEvidence(List.of(), List.of(sentence));
  }
}
