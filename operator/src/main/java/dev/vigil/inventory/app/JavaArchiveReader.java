package dev.vigil.inventory.app;

import dev.vigil.inventory.ApplicationPackage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maven packages in Java archives (jar, war, ear and their kin), read from the layer stream in
 * one forward pass, nested archives included ("/app/app.jar!/BOOT-INF/lib/x.jar").
 *
 * <p>Evidence, per archive, in this order (docs/language-packages-java.md):
 *
 * <ol>
 *   <li>every pom.properties with groupId, artifactId and version, wherever it sits in the
 *       archive (shaded jars carry one per bundled library); all are reported at the archive's
 *       path;
 *   <li>when there is none: META-INF/maven/&lt;groupId&gt;/&lt;artifactId&gt;/pom.xml whose
 *       declared coordinates agree with its directory;
 *   <li>when there is none either: the MANIFEST.MF main section, only where it states a groupId
 *       (Jenkins Group-Id, Maven's Implementation-Vendor-Id) or is a Spring Framework module
 *       confirmed by its Automatic-Module-Name. The artifactId comes from the manifest or from a
 *       file name whose version agrees with the manifest's.
 * </ol>
 *
 * A groupId is never guessed from a file name or an artifactId search: an archive with no Maven
 * coordinates gives a problem sentence naming what its file name suggests, and no package.
 *
 * <p>Caps per top-level archive, all levels together: nesting depth, bytes (read from the file
 * plus inflated out of entries), entries. Past one the result is partial with a problem sentence.
 */
public final class JavaArchiveReader implements LanguagePackageReader {

  /**
   * What the problem sentence of an archive without Maven coordinates says after its path: such
   * an archive is not unreadable, only unidentifiable offline, and the scan reports it apart from
   * files it could not read.
   */
  public static final String NO_COORDINATES = ": no Maven coordinates (";


  public static final String ECOSYSTEM = "Maven";
  public static final int DEFAULT_MAX_DEPTH = 16;
  public static final long DEFAULT_MAX_INFLATED_BYTES = 2L << 30;
  public static final long DEFAULT_MAX_ENTRIES = 1_000_000;

  /** pom.properties, pom.xml and MANIFEST.MF larger than this are not metadata but an attack. */
  static final int MAX_METADATA_BYTES = 1 << 20;

  /** Bytes tolerated before the first zip entry: Spring Boot's launch script is about 10 KiB. */
  static final int MAX_PREFIX_BYTES = 1 << 20;

  /** Problem sentences per top-level archive before they are summarised in one more. */
  static final int MAX_PROBLEMS = 10;

  /** Archive extensions read as top-level files (NOTES.md section 3, less .jmod and .rar). */
  static final Set<String> TOP_LEVEL_EXTENSIONS =
      Set.of("jar", "war", "ear", "par", "jpi", "hpi", "sar", "nar", "kar", "lpkg");

  /** Inside a Java archive a .rar is a JCA resource adapter (a zip), not a RAR file. */
  static final Set<String> NESTED_EXTENSIONS = union(TOP_LEVEL_EXTENSIONS, "rar");

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");

  private static final Set<String> SPRING_FRAMEWORK_MODULES = Set.of(
      "spring-aop", "spring-aspects", "spring-beans", "spring-context", "spring-context-indexer",
      "spring-context-support", "spring-core", "spring-expression", "spring-instrument",
      "spring-jcl", "spring-jdbc", "spring-jms", "spring-messaging", "spring-orm", "spring-oxm",
      "spring-r2dbc", "spring-test", "spring-tx", "spring-web", "spring-webflux", "spring-webmvc",
      "spring-websocket");

  private final int maxDepth;
  private final long maxInflatedBytes;
  private final long maxEntries;

  public JavaArchiveReader() {
    this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_INFLATED_BYTES, DEFAULT_MAX_ENTRIES);
  }

  /**
   * @param maxDepth archives nested deeper than this (the top-level archive is depth 0) are not
   *     opened
   * @param maxInflatedBytes bytes read from the archive itself plus bytes inflated out of its
   *     entries and the entries of nested archives, all levels together
   * @param maxEntries zip entries, all levels together
   */
  public JavaArchiveReader(int maxDepth, long maxInflatedBytes, long maxEntries) {
    this.maxDepth = maxDepth;
    this.maxInflatedBytes = maxInflatedBytes;
    this.maxEntries = maxEntries;
  }

  @Override
  public String name() {
    return "java-archive";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    return TOP_LEVEL_EXTENSIONS.contains(extension(path));
  }

  @Override
  public PackageEvidence read(String path, InputStream content, long size) throws IOException {
    Walk walk = new Walk("/" + path);
    try {
      walk.archive(new Inflated(new SourceGuard(content), walk), walk.topPath, 0);
    } catch (SourceFailure e) {
      throw e.getCause();
    } catch (CapReached e) {
      walk.problem(e.getMessage());
    }
    return new PackageEvidence(new ArrayList<>(walk.packages), walk.problemList());
  }

  /** One top-level archive: its caps and findings across every nesting level. */
  private final class Walk {
    final String topPath;
    final LinkedHashSet<ApplicationPackage> packages = new LinkedHashSet<>();
    final List<String> problems = new ArrayList<>();
    int droppedProblems;
    long inflatedLeft = maxInflatedBytes;
    long entriesLeft = maxEntries;
    boolean depthProblemGiven;

    Walk(String topPath) {
      this.topPath = topPath;
    }

    long maxInflatedBytes() {
      return maxInflatedBytes;
    }

    void problem(String sentence) {
      if (problems.size() < MAX_PROBLEMS) {
        problems.add(sentence);
      } else {
        droppedProblems++;
      }
    }

    List<String> problemList() {
      List<String> all = new ArrayList<>(problems);
      if (droppedProblems > 0) {
 all.add(topPath + ": " + droppedProblems + " more problems in this archive not listed");
      }
      return all;
    }

    void archive(InputStream in, String path, int depth) throws IOException {
      int packagesBefore = packages.size();
      List<String[]> fromPomProperties = new ArrayList<>();
      List<String[]> fromPomXml = new ArrayList<>();
      JavaManifest manifest = null;
      boolean complete = false;
      PushbackInputStream zipStart = null;
      try {
        zipStart = findZipStart(in, path);
        if (zipStart == null) {
          return;
        }
        try (JarStream zip = new JarStream(zipStart)) {
          JarStream.Entry e;
          while ((e = zip.next()) != null) {
            if (--entriesLeft < 0) {
              throw new CapReached(path + ": more than " + maxEntries
                  + " zip entries in this archive and the archives nested in it; the rest is not"
                  + " read, the result is partial");
            }
            if (e.directory()) {
              continue;
            }
            String name = e.name();
            Kind kind = kind(name);
            if (kind != Kind.SKIP && !e.canOpen()) {
              problem(path + "!/" + name + ": entry not readable (encrypted or unsupported"
                  + " compression method " + e.method() + "), skipped");
              kind = Kind.SKIP;
            }
            if (kind == Kind.SKIP) {
              continue; // stepped over by the next zip.next(), without inflating it
            }
            InputStream entryData = new Inflated(zip.open(), this);
            switch (kind) {
              case POM_PROPERTIES -> {
                byte[] b = metadata(entryData, path + "!/" + name);
                String[] gav = b == null ? null : pomProperties(b);
                if (gav != null) {
                  fromPomProperties.add(gav);
                }
              }
              case POM_XML -> {
                byte[] b = metadata(entryData, path + "!/" + name);
                String[] gav = b == null ? null : pomXml(name, b);
                if (gav != null) {
                  fromPomXml.add(gav);
                }
              }
              case MANIFEST -> {
                byte[] b = metadata(entryData, path + "!/" + name);
                if (b != null) {
                  manifest = JavaManifest.parseMainSection(b);
                }
              }
              case ARCHIVE -> {
                if (depth + 1 > maxDepth) {
                  if (!depthProblemGiven) {
                    depthProblemGiven = true;
                    problem(path + "!/" + name + ": archives nested more than " + maxDepth
                        + " deep are not opened; the result is partial");
                  }
                } else {
                  archive(entryData, path + "!/" + name, depth + 1);
                }
              }
              default -> { }
            }
            // what was not read of an opened entry is inflated, through the counting stream
            entryData.transferTo(java.io.OutputStream.nullOutputStream());
          }
        }
        complete = true;
      } catch (SourceFailure | CapReached e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // corrupt deflate data, impossible sizes, records cut short: a malformed archive
        Throwable cause = e;
        while (cause != null) {
          if (cause instanceof SourceFailure sf) {
            throw sf;
          }
          if (cause instanceof CapReached cr) {
            throw cr;
          }
          cause = cause.getCause();
        }
        problem(path + ": " + (e instanceof EOFException ? "truncated zip archive"
            : "malformed zip archive (" + e.getMessage() + ")")
            + "; the result holds what was read before");
      } finally {
        identify(path, fromPomProperties, fromPomXml, manifest);
        if (complete && packages.size() == packagesBefore) {
          unidentified(path, depth);
        }
      }
    }

    private PushbackInputStream findZipStart(InputStream in, String path) throws IOException {
      PushbackInputStream pin = new PushbackInputStream(new BufferedInputStream(in, 8192), 4);
      int window = 0;
      for (long n = 1; ; n++) {
        int b = pin.read();
        if (b < 0) {
          if (n > 1) {
            problem(path + ": not a zip archive (no zip entry found)");
          }
          return null;
        }
        window = (window << 8) | b;
        if (n >= 4 && window == 0x504B0304) {
          pin.unread(new byte[] {0x50, 0x4B, 0x03, 0x04});
          return pin;
        }
        if (n == 4 && window == 0x504B0506) {
          return null; // an empty zip: only the end of central directory record
        }
        if (n > MAX_PREFIX_BYTES) {
          problem(path + ": not a zip archive (no zip entry in the first "
              + (MAX_PREFIX_BYTES >> 20) + " MiB)");
          return null;
        }
      }
    }

    private byte[] metadata(InputStream entryData, String where) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = entryData.read(buf)) > 0) {
        if (out.size() + n > MAX_METADATA_BYTES) {
          problem(where + ": larger than " + (MAX_METADATA_BYTES >> 20)
              + " MiB, not read as metadata");
          return null;
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }

    private void identify(String path, List<String[]> fromPomProperties,
        List<String[]> fromPomXml, JavaManifest manifest) {
      List<String[]> found = !fromPomProperties.isEmpty() ? fromPomProperties
          : !fromPomXml.isEmpty() ? fromPomXml
          : manifest == null ? List.of()
          : fromManifest(manifest, path).map(List::<String[]>of).orElse(List.of());
      for (String[] gav : found) {
        packages.add(new ApplicationPackage(ECOSYSTEM, gav[0] + ":" + gav[1], gav[2], path, null));
      }
    }

    private void unidentified(String path, int depth) {
      JarFileName file = JarFileName.parse(path);
      problem(path + NO_COORDINATES + "no pom.properties, no META-INF/maven pom.xml, no"
          + " groupId in MANIFEST.MF); not matched against advisories"
          + (file.version() != null
              ? " (the file name suggests " + file.artifactId() + " " + file.version() + ")"
              : ""));
    }
  }

  enum Kind { POM_PROPERTIES, POM_XML, MANIFEST, ARCHIVE, SKIP }

  static Kind kind(String entryName) {
    String lower = entryName.toLowerCase(Locale.ROOT);
    if (lower.endsWith("pom.properties")) {
      return Kind.POM_PROPERTIES;
    }
    if (lower.equals("meta-inf/manifest.mf")) {
      return Kind.MANIFEST;
    }
    if (lower.startsWith("meta-inf/maven/") && lower.endsWith("/pom.xml")) {
      return Kind.POM_XML;
    }
    if (NESTED_EXTENSIONS.contains(extension(lower))) {
      return Kind.ARCHIVE;
    }
    return Kind.SKIP;
  }

  /** groupId, artifactId, version of a pom.properties, or null unless all three are usable. */
  static String[] pomProperties(byte[] bytes) {
    Properties p = new Properties();
    try {
      p.load(new ByteArrayInputStream(bytes));
    } catch (IOException | IllegalArgumentException e) {
      return null; // a malformed \\uXXXX escape
    }
    return gav(p.getProperty("groupId"), p.getProperty("artifactId"), p.getProperty("version"));
  }

  /** Coordinates of META-INF/maven/g/a/pom.xml when the document agrees with its directory. */
  static String[] pomXml(String entryName, byte[] bytes) {
    String[] parts = entryName.split("/");
    if (parts.length != 5) {
      return null;
    }
    JavaPomXml pom = JavaPomXml.parse(bytes);
    if (pom == null || !parts[2].equals(pom.groupId()) || !parts[3].equals(pom.artifactId())) {
      return null;
    }
    return gav(pom.groupId(), pom.artifactId(), pom.version());
  }

  /**
   * Coordinates the manifest main section states, completed by the file name where that agrees.
   * Empty when it names no groupId: bcprov's "Bundle-Name: bcprov" or Spring 2.5's
   * "Implementation-Title: Spring Framework" are not Maven coordinates (trivy #1884, #3427).
   */
  static java.util.Optional<String[]> fromManifest(JavaManifest m, String archivePath) {
    if (m.get("Weave-Classes") != null) {
      return java.util.Optional.empty(); // New Relic instrumentation module, not the library
    }
    String version = firstToken(m.get("Plugin-Version"));
    if (version == null) {
      version = firstToken(m.get("Implementation-Version"));
    }
    String groupId = m.get("Group-Id");
    String shortName = m.get("Short-Name");
    if (isId(groupId) && isId(shortName)) {
      return java.util.Optional.ofNullable(gav(groupId, shortName, version));
    }
    String title = m.get("Implementation-Title");
    if (title != null) {
      title = title.trim();
    }
    if (title != null && SPRING_FRAMEWORK_MODULES.contains(title)
        && title.replace('-', '.').equals(trimmed(m.get("Automatic-Module-Name")))) {
      return java.util.Optional.ofNullable(gav("org.springframework", title, version));
    }
    String vendorId = trimmed(m.get("Implementation-Vendor-Id"));
    if (!isId(vendorId)) {
      return java.util.Optional.empty();
    }
    JarFileName file = JarFileName.parse(archivePath);
    if (file.version() != null) {
      if (version == null || version.equals(file.version())) {
        return java.util.Optional.ofNullable(gav(vendorId, file.artifactId(), file.version()));
      }
      return java.util.Optional.empty(); // the file name contradicts the manifest
    }
    if (isId(title)) {
      return java.util.Optional.ofNullable(gav(vendorId, title, version));
    }
    return java.util.Optional.empty();
  }

  private static long maxInflatedBytesOf(Walk walk) {
    return walk.maxInflatedBytes();
  }

  private static String[] gav(String groupId, String artifactId, String version) {
    groupId = trimmed(groupId);
    artifactId = trimmed(artifactId);
    version = trimmed(version);
    if (groupId == null || artifactId == null || version == null
        || groupId.isEmpty() || artifactId.isEmpty() || version.isEmpty()
        || (groupId + artifactId + version).contains("${")) {
      return null;
    }
    return new String[] {groupId, artifactId, version};
  }

  private static boolean isId(String s) {
    return s != null && ID.matcher(s.trim()).matches() && !s.contains("${");
  }

  private static String trimmed(String s) {
    return s == null ? null : s.trim();
  }

  /** "1.4 1855 April 22 2006" is version 1.4 (scalibr's axis case). */
  private static String firstToken(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    return s.trim().split("\\s+", 2)[0];
  }

  static String extension(String path) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    return dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  private static Set<String> union(Set<String> a, String b) {
    Set<String> s = new java.util.HashSet<>(a);
    s.add(b);
    return Set.copyOf(s);
  }

  /**
   * Bytes counted against the byte cap: the top-level file as it is read, and every entry's bytes
   * as the zip reader inflates them (metadata, nested archives, entries of unknown size).
   */
  private static final class Inflated extends FilterInputStream {
    private final Walk walk;

    Inflated(InputStream zip, Walk walk) {
      super(zip);
      this.walk = walk;
    }

    private final byte[] one = new byte[1];
    private byte[] skipBuffer;

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        charge(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (skipBuffer == null) {
        skipBuffer = new byte[8192];
      }
      byte[] buf = skipBuffer;
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public void close() {
      // the zip reader owns the stream
    }

    private void charge(int n) throws CapReached {
      walk.inflatedLeft -= n;
      if (walk.inflatedLeft < 0) {
        throw new CapReached(walk.topPath + ": more than " + maxInflatedBytesOf(walk)
            + " bytes read from this archive and inflated from its entries and nested archives;"
            + " the rest is not read, the result is partial");
      }
    }
  }

  private static final class NoClose extends FilterInputStream {
    NoClose(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller owns the layer stream; a nested reader's owner is the enclosing zip reader
    }
  }

  /** Marks failures of the layer stream itself, which read() must rethrow, not report. */
  private static final class SourceGuard extends FilterInputStream {
    SourceGuard(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        throw new SourceFailure(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw new SourceFailure(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw new SourceFailure(e);
      }
    }

    @Override
    public void close() {
      // never closed here (LanguagePackageReader contract)
    }
  }

  private static final class SourceFailure extends IOException {
    SourceFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  private static final class CapReached extends IOException {
    CapReached(String message) {
      super(message);
    }
  }
}
