package dev.vigil.inventory.app;

import dev.vigil.image.EntryReader;
import dev.vigil.image.EntryReading;
import dev.vigil.inventory.ApplicationPackage;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The language-package readers a scan runs, put to the layer walk as {@link EntryReader}s: each
 * reader sees the files it wants once, while the layer streams, and what it finds is cached with
 * the layer's facts under the reader's name and version.
 */
public final class LanguagePackages {

  /** The prefix of the walk-level reader names, so they never collide with other readers. */
  static final String NAME_PREFIX = "lang.";

  /** No language packages: an OS-only inventory. */
  public static final LanguagePackages NONE = new LanguagePackages(List.of());

  private final List<LanguagePackageReader> readers;
  private final List<EntryReader> entryReaders;

  /**
   * @throws IllegalArgumentException when two readers share a name (their cached results would
   *     be mistaken for each other's)
   */
  public LanguagePackages(List<? extends LanguagePackageReader> readers) {
    this.readers = List.copyOf(readers);
    Set<String> names = new HashSet<>();
    for (LanguagePackageReader reader : this.readers) {
      if (!names.add(reader.name())) {
        throw new IllegalArgumentException("two language-package readers are named " + reader.name());
      }
    }
    this.entryReaders = this.readers.stream().<EntryReader>map(Adapter::new).toList();
  }

  /** The readers of a scan in production: every ecosystem Vigil reads, one line each. */
  public static LanguagePackages standard() {
    // The order matters for files several readers want: one over 16 MiB is read by the first of
    // them only (LayerWalker), so an executable jar goes to the Java reader and a large
    // executable to the Go reader rather than the cargo-auditable one.
    return new LanguagePackages(List.of(
        new JavaArchiveReader(),
        new GoBinaryReader(),
        new RustAuditableReader(),
        new NpmPackageReader(),
        new PythonMetadataReader(),
        new GemspecReader(),
        new DotnetDepsReader(),
        new ComposerInstalledReader()));
  }

  public List<LanguagePackageReader> readers() {
    return readers;
  }

  /** The readers as the layer walk takes them. */
  public List<EntryReader> entryReaders() {
    return entryReaders;
  }

  /**
   * What one of these readers found in a file; empty for a reading of another reader, a failed
   * reading, or one that found nothing.
   */
  public Optional<PackageEvidence> evidence(EntryReading reading) {
    if (reading.result() instanceof Evidence evidence && isOurs(reading)) {
      return Optional.of(evidence.evidence());
    }
    return Optional.empty();
  }

  /** True when one of these readers made the reading. */
  public boolean isOurs(EntryReading reading) {
    for (EntryReader reader : entryReaders) {
      if (reader.name().equals(reading.reader())) {
        return true;
      }
    }
    return false;
  }

  /** The language reader's own name for a walk-level reader name. */
  public static String readerName(EntryReading reading) {
    String name = reading.reader();
    return name.startsWith(NAME_PREFIX) ? name.substring(NAME_PREFIX.length()) : name;
  }

  /** A reader's evidence as the layer facts keep it. */
  record Evidence(PackageEvidence evidence) implements EntryReader.Result {
    @Override
    public long retainedBytes() {
      long total = 64;
      for (ApplicationPackage pkg : evidence.packages()) {
        total += 96 + length(pkg.ecosystem()) + length(pkg.name()) + length(pkg.version())
            + length(pkg.path()) + length(pkg.layerDigest());
      }
      for (String problem : evidence.problems()) {
        total += 48 + length(problem);
      }
      return total;
    }

    private static long length(String s) {
      return s == null ? 0 : 48 + s.length();
    }
  }

  /** One language reader as a walk-level reader. */
  private static final class Adapter implements EntryReader {
    private final LanguagePackageReader reader;
    private final String name;

    Adapter(LanguagePackageReader reader) {
      this.reader = Objects.requireNonNull(reader, "reader");
      this.name = NAME_PREFIX + reader.name();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int version() {
      return reader.version();
    }

    @Override
    public boolean wants(String path, int mode, long size) {
      return reader.wants(path, mode, size);
    }

    @Override
    public Result read(String path, InputStream content, long size) throws IOException {
      PackageEvidence evidence = reader.read(path, content, size);
      if (evidence == null
          || (evidence.packages().isEmpty() && evidence.problems().isEmpty())) {
        return null;
      }
      return new Evidence(evidence);
    }
  }
}
