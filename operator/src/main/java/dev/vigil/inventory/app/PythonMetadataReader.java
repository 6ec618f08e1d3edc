package dev.vigil.inventory.app;

import dev.vigil.inventory.ApplicationPackage;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Installed Python distributions (PyPI) from their core metadata: {@code *.dist-info/METADATA},
 * {@code *.egg-info} as a single file, {@code *.egg-info/PKG-INFO} (also {@code METADATA}, Trivy
 * #9171), the {@code EGG-INFO/PKG-INFO} of an egg directory and of an egg zip. Directory names are
 * not trusted (syft's image fixture has a bare {@code dist-info/}); the {@code Name:} and {@code
 * Version:} headers are. Directory globs are case-insensitive ({@code DIST-INFO}, {@code
 * EGG-INFO}).
 *
 * <p>The name is kept as the metadata writes it ({@code pyOpenSSL}, {@code
 * backports.ssl_match_hostname}); the matcher puts every PyPI name, installed or advised, into
 * its PEP 503 form, which is what OSV's PyPI records use.
 *
 * <p>Headers are RFC 822 style: keys case-insensitive, the first occurrence wins, lines without a
 * colon are skipped, the body after the first blank line is ignored (it can be megabytes of
 * README and hold bytes a strict MIME parser refuses). Only the header block is read, up to
 * {@link #MAX_HEADER_BYTES}.
 *
 * <p>Not read: wheels ({@code .whl}: downloads and caches, not installed), a bare {@code PKG-INFO}
 * outside an egg-info directory (an unpacked source distribution), and the interpreter's own
 * metadata: egg-info lying directly in {@code lib/pythonX.Y} or its {@code lib-dynload} (Debian's
 * python2.7 {@code argparse.egg-info}, {@code wsgiref.egg-info}, {@code Python-2.7.egg-info};
 * installed distributions live in {@code site-packages} or {@code dist-packages}) and any {@code
 * Python-X.Y.egg-info} whose name is {@code Python}.
 */
public final class PythonMetadataReader implements LanguagePackageReader {

  public static final String ECOSYSTEM = "PyPI";

  /** The header block; real ones are a few KiB (the description may follow in the body). */
  static final long MAX_HEADER_BYTES = 1024L * 1024;

  /** An egg zip is read through to find EGG-INFO/PKG-INFO; above this it is not opened. */
  static final long MAX_EGG_BYTES = 64L * 1024 * 1024;

  /** Bytes inflated from one egg before giving up (a zip bomb must not cost unbounded CPU). */
  static final long MAX_EGG_INFLATED_BYTES = 256L * 1024 * 1024;

  private static final String EGG_PKG_INFO = "EGG-INFO/PKG-INFO";

  private static final Pattern INTERPRETER_DIR = Pattern.compile("python\\d+(\\.\\d+)*|lib-dynload");
  private static final Pattern INTERPRETER_EGG_INFO =
      Pattern.compile("Python-\\d+(\\.\\d+)*\\.egg-info", Pattern.CASE_INSENSITIVE);

  @Override
  public String name() {
    return "python-metadata";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    return kind(path) != Kind.NONE;
  }

  private enum Kind {
    NONE,
    HEADERS,
    EGG_ZIP
  }

  private static Kind kind(String path) {
    String file = ManifestInput.fileName(path);
    String lowerFile = file.toLowerCase(Locale.ROOT);
    String parent = ManifestInput.parentName(path, 1).toLowerCase(Locale.ROOT);
    if ((file.equals("METADATA") && (parent.endsWith("dist-info") || parent.endsWith("egg-info")))
        || (file.equals("PKG-INFO") && parent.endsWith("egg-info"))) {
      return interpreterOwned(ManifestInput.parentName(path, 2)) ? Kind.NONE : Kind.HEADERS;
    }
    if (lowerFile.endsWith(".egg-info") && lowerFile.length() > ".egg-info".length()) {
      return interpreterOwned(ManifestInput.parentName(path, 1))
              || INTERPRETER_EGG_INFO.matcher(file).matches()
          ? Kind.NONE
          : Kind.HEADERS;
    }
    if (lowerFile.endsWith(".egg") && lowerFile.length() > ".egg".length()) {
      return interpreterOwned(ManifestInput.parentName(path, 1)) ? Kind.NONE : Kind.EGG_ZIP;
    }
    return Kind.NONE;
  }

  private static boolean interpreterOwned(String holder) {
    return INTERPRETER_DIR.matcher(holder).matches();
  }

  @Override
  public PackageEvidence read(String path, InputStream content, long size) throws IOException {
    if (kind(path) == Kind.EGG_ZIP) {
      return readEgg(path, content, size);
    }
    byte[] head = content.readNBytes((int) Math.min(size, MAX_HEADER_BYTES));
    return fromHeaders(path, ManifestInput.shown(path), head, size > MAX_HEADER_BYTES);
  }

  private static PackageEvidence fromHeaders(
      String path, String shown, byte[] head, boolean truncated) {
    Headers headers = Headers.parse(head);
    if (headers.blank) {
      return ManifestInput.problem(shown + ": Python package metadata is empty");
    }
    String name = headers.values.get("name");
    String version = headers.values.get("version");
    if (name == null || name.isEmpty()) {
      String why =
          truncated && !headers.complete
              ? "no Name header in its first " + ManifestInput.mib(MAX_HEADER_BYTES)
              : "no Name header";
      return ManifestInput.problem(shown + ": Python package metadata has " + why + "; not listed");
    }
    if (name.equalsIgnoreCase("Python")
        && INTERPRETER_EGG_INFO.matcher(ManifestInput.fileName(path)).matches()) {
      return PackageEvidence.NONE;
    }
    List<String> problems = new ArrayList<>();
    if (version == null || version.isEmpty()) {
      version = "";
      problems.add(
          shown + ": Python package " + name + " has no Version header; it is listed but cannot be"
              + " matched against advisories");
    }
    return new PackageEvidence(
        List.of(new ApplicationPackage(ECOSYSTEM, name, version, shown, null)), problems);
  }

  private static PackageEvidence readEgg(String path, InputStream content, long size)
      throws IOException {
    if (size > MAX_EGG_BYTES) {
      return ManifestInput.problem(ManifestInput.overCap(path, size, MAX_EGG_BYTES, "egg"));
    }
    long inflated = 0;
    byte[] skip = new byte[8192];
    // the walker owns the stream: closing the zip reader frees its Inflater but not the stream;
    // the count tells a zip cut short inside the file from a stream that failed
    long[] consumed = {0};
    InputStream unclosable =
        new FilterInputStream(content) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              consumed[0]++;
            }
            return b;
          }

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
              consumed[0] += n;
            }
            return n;
          }

          @Override
          public void close() {}
        };
    // Latin-1 never fails on a name; entries flagged UTF-8 may still (IllegalArgumentException)
    try (ZipInputStream zip = new ZipInputStream(unclosable, StandardCharsets.ISO_8859_1)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (entry.getName().equals(EGG_PKG_INFO)) {
          byte[] head = zip.readNBytes((int) MAX_HEADER_BYTES);
          boolean truncated = zip.read() != -1;
          return fromHeaders(
              EGG_PKG_INFO, ManifestInput.shown(path) + "!/" + EGG_PKG_INFO, head, truncated);
        }
        int n;
        while ((n = zip.read(skip)) > 0) {
          inflated += n;
          if (inflated > MAX_EGG_INFLATED_BYTES) {
            return ManifestInput.problem(
                ManifestInput.shown(path) + ": egg inflates to more than "
                    + ManifestInput.mib(MAX_EGG_INFLATED_BYTES) + " before its " + EGG_PKG_INFO
                    + "; not read further");
          }
        }
      }
    } catch (ZipException | IllegalArgumentException e) {
      return ManifestInput.problem(
          ManifestInput.shown(path) + ": egg is not a readable zip: " + e.getMessage());
    } catch (EOFException e) {
      if (consumed[0] < size) {
        throw e;
      }
      return ManifestInput.problem(
          ManifestInput.shown(path) + ": egg ends inside a zip entry: " + e.getMessage());
    }
    // An egg without EGG-INFO/PKG-INFO is a plain zip that happens to be named .egg.
    return PackageEvidence.NONE;
  }

  /** The RFC 822 style header block of core metadata. */
  private static final class Headers {
    final Map<String, String> values = new HashMap<>();
    boolean blank = true;
    boolean complete;

    static Headers parse(byte[] bytes) {
      Headers headers = new Headers();
      String text = new String(bytes, StandardCharsets.UTF_8);
      int start = 0;
      while (start < text.length()) {
        int end = text.indexOf('\n', start);
        boolean lastLine = end < 0;
        String line = text.substring(start, lastLine ? text.length() : end);
        start = lastLine ? text.length() : end + 1;
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        if (line.isBlank()) {
          if (!headers.blank) {
            headers.complete = true;
            break;
          }
          continue;
        }
        headers.blank = false;
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
          continue; // continuation of a folded header; Name and Version are never folded
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        headers.values.putIfAbsent(key, line.substring(colon + 1).trim());
      }
      return headers;
    }
  }
}
