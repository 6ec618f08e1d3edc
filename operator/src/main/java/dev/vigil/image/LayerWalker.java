package dev.vigil.image;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one layer blob, once, into {@link LayerFacts}: decompresses it, hashes the tar
 * against the diff_id, records every entry's metadata, whiteouts and opaque directories, and
 * keeps the contents the selectors ask for, and hands the files {@link EntryReader}s want to them
 * as they stream past. Nothing is written to disk and only metadata, captured contents and the
 * readers' results stay in memory. Thread-safe: holds no state between walks.
 */
public final class LayerWalker {

  /** Created on first use, so that a scan that logs nothing never starts logback (CLI start-up). */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(LayerWalker.class);
  }
  private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String AUFS_META_PREFIX = ".wh..wh.";
  private static final String OPAQUE_MARKER = ".wh..wh..opq";

  /**
   * A file several readers want is held in memory once, up to this size, and replayed to each;
   * a larger one streams to the first reader only (the others skip it, logged at debug).
   */
  static final long MULTI_READER_BUFFER_BYTES = 16L * 1024 * 1024;

  /**
   * A walk keeps one buffer of up to this size for the files several readers want, instead of a
   * new array per file (the executables of a Debian image made 67 MB of garbage this way).
   */
  private static final int REUSED_BUFFER_BYTES = 1024 * 1024;

  private final WalkLimits limits;

  public LayerWalker() {
    this(WalkLimits.DEFAULTS);
  }

  public LayerWalker(WalkLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public WalkLimits limits() {
    return limits;
  }

  /**
   * Walks one layer.
   *
   * @param layerDigest the blob's digest, used in messages and recorded in the facts
   * @param mediaType the manifest's media type for the layer; the blob's first bytes decide
   *     the compression, so unknown or wrong types are still walked
   * @param blob the blob's bytes; read to the end on success, never closed here
   * @param expectedDiffId the image config's diff_id for this layer ("sha256:...")
   * @param selectors which file contents to keep
   * @throws LayerException when the layer is not a readable tar, is truncated, does not match
   *     its diff_id, holds an unsafe path, breaks a limit, or the blob cannot be read
   */
  public LayerFacts walk(
      String layerDigest,
      String mediaType,
      InputStream blob,
      String expectedDiffId,
      List<ContentSelector> selectors)
      throws LayerException {
    return walk(layerDigest, mediaType, blob, expectedDiffId, selectors, List.of());
  }

  /**
   * Walks one layer, also offering every regular file to the readers that want it.
   *
   * @param readers read wanted files while they stream; a reader's own failure on a file is
   *     recorded in its {@link EntryReading} and the walk goes on
   * @see #walk(String, String, InputStream, String, List)
   */
  public LayerFacts walk(
      String layerDigest,
      String mediaType,
      InputStream blob,
      String expectedDiffId,
      List<ContentSelector> selectors,
      List<? extends EntryReader> readers)
      throws LayerException {
    Objects.requireNonNull(layerDigest, "layerDigest");
    Objects.requireNonNull(readers, "readers");
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(selectors, "selectors");
    String expected = expectedDiffId == null ? "" : expectedDiffId.toLowerCase(Locale.ROOT);
    if (!SHA256_DIGEST.matcher(expected).matches()) {
      throw new LayerException(
          LayerException.Reason.DIFF_ID_MISMATCH,
          layerDigest,
          "the image config's diff_id '" + expectedDiffId + "' is not a sha256 digest");
    }
    BlobSide source = new BlobSide(blob, layerDigest);
    BufferedInputStream buffered = new BufferedInputStream(source, BUFFER_SIZE);
    LayerCompression compression = LayerCompression.NONE;
    try {
      compression = sniff(buffered, layerDigest);
      Optional<LayerCompression> declared = LayerCompression.declaredBy(mediaType);
      if (declared.isPresent() && declared.get() != compression) {
        Log.LOG.warn(
            "layer {}: media type {} declares {} but the data is {}; decoding what the data is",
            layerDigest, mediaType, declared.get(), compression);
      }
      InputStream decompressed =
          new DecompressedSide(
              decompressor(compression, buffered),
              source,
              compression != LayerCompression.NONE,
              limits,
              layerDigest);
      // Download and decompression on a thread of their own, hashing and tar parsing here:
      // two cores per layer, like curl | gzip -dc | tar -t.
      try (TarSide tar =
          new TarSide(new ReadAheadStream(decompressed, "vigil-read " + shortDigest(layerDigest)))) {
        Walk walk = new Walk(layerDigest, mediaType, selectors, readers);
        // No buffer in between: the read-ahead chunks already are one.
        walk.readAll(new CheckedTarInputStream(tar, limits, layerDigest, mediaType));
        tar.drain();
        String actual = "sha256:" + tar.sha256Hex();
        if (!actual.equals(expected)) {
          throw new LayerException(
              LayerException.Reason.DIFF_ID_MISMATCH,
              layerDigest,
              "uncompressed tar hashes to " + actual + " but the image config says " + expected
                  + trailingPartialRecord(tar.bytesRead()));
        }
        return walk.facts(actual, compression, source.bytesRead(), tar.bytesRead());
      }
    } catch (WalkAbort abort) {
      throw abort.layerException();
    } catch (InterruptedIOException e) {
      throw new LayerException(
          LayerException.Reason.READ_FAILED, layerDigest, "interrupted while reading the layer", e);
    } catch (IOException e) {
      throw classify(e, layerDigest, compression);
    } catch (RuntimeException e) {
      // The tar and compression libraries signal some malformed input this way; a hostile
      // layer must end its own scan, not escape as an unchecked exception.
      throw new LayerException(
          LayerException.Reason.CORRUPT,
          layerDigest,
          "cannot read the layer (" + describe(compression) + "): " + e,
          e);
    }
  }

  private static String shortDigest(String layerDigest) {
    int colon = layerDigest.indexOf(':');
    return layerDigest.substring(colon + 1, Math.min(layerDigest.length(), colon + 13));
  }

  private static String trailingPartialRecord(long uncompressedBytes) {
    return uncompressedBytes % 512 == 0
        ? ""
        : " (the tar's " + uncompressedBytes + " bytes end inside a 512-byte record: truncated?)";
  }

  private static LayerCompression sniff(BufferedInputStream in, String layerDigest)
      throws IOException, LayerException {
    byte[] head = new byte[LayerCompression.MAGIC_LENGTH];
    in.mark(head.length);
    int length = in.readNBytes(head, 0, head.length);
    in.reset();
    try {
      return LayerCompression.sniff(head, length);
    } catch (LayerCompression.UnsupportedCompression e) {
      throw new LayerException(
          LayerException.Reason.UNSUPPORTED_COMPRESSION, layerDigest, e.getMessage());
    }
  }

  private static InputStream decompressor(LayerCompression compression, InputStream in)
      throws IOException {
    switch (compression) {
      case GZIP:
        // commons-compress, not java.util.zip: GZIPInputStream decides whether another gzip
        // member follows by asking available(), which a network stream may answer with 0 at
        // a member boundary, silently ending a multi-member layer early.
        return new GzipCompressorInputStream(in, true);
      case ZSTD:
        return new ZstdInputStreamNoFinalizer(in);
      default:
        return in;
    }
  }

  private static LayerException classify(
      IOException e, String layerDigest, LayerCompression compression) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WalkAbort abort) {
        return abort.layerException();
      }
    }
    String message = String.valueOf(e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (e instanceof EOFException || lower.contains("truncated") || lower.contains("premature end")) {
      return new LayerException(
          LayerException.Reason.TRUNCATED,
          layerDigest,
          "the layer ends early (" + describe(compression) + "): " + message,
          e);
    }
    return new LayerException(
        LayerException.Reason.CORRUPT,
        layerDigest,
        "cannot read the layer (" + describe(compression) + "): " + message,
        e);
  }

  private static String describe(LayerCompression compression) {
    return switch (compression) {
      case GZIP -> "gzip-compressed tar";
      case ZSTD -> "zstd-compressed tar";
      case NONE -> "uncompressed tar";
    };
  }

  /** The state of one walk: what the tar has said so far. */
  private final class Walk {
    private final String layerDigest;
    private final String mediaType;
    private final List<ContentSelector> selectors;
    private final List<? extends EntryReader> readers;
    private final LinkedHashMap<String, FileEntry> entries = new LinkedHashMap<>();
    private final LinkedHashMap<String, List<EntryReading>> readings = new LinkedHashMap<>();
    private final java.util.Set<String> failedWants = new java.util.HashSet<>();
    private final List<String> whiteouts = new ArrayList<>();
    private final List<String> opaqueDirectories = new ArrayList<>();
    private final LinkedHashMap<String, CapturedFile> captured = new LinkedHashMap<>();
    private long tarEntries;
    private long capturedBytes;
    /** For files several readers want, up to REUSED_BUFFER_BYTES; grown on demand. */
    private byte[] multiReaderBuffer = new byte[0];

    Walk(String layerDigest, String mediaType, List<ContentSelector> selectors,
        List<? extends EntryReader> readers) {
      this.layerDigest = layerDigest;
      this.mediaType = mediaType;
      this.selectors = selectors;
      this.readers = readers;
    }

    void readAll(CheckedTarInputStream tar) throws IOException, LayerException {
      TarArchiveEntry entry;
      while ((entry = tar.next()) != null) {
        tarEntries++;
        if (tarEntries > limits.maxEntriesPerLayer()) {
          throw limit(
              "more than " + limits.maxEntriesPerLayer() + " entries (maxEntriesPerLayer)");
        }
        record(tar, entry);
      }
    }

    private void record(CheckedTarInputStream tar, TarArchiveEntry entry)
        throws IOException, LayerException {
      String raw = tar.rawName(entry);
      checkLength("path", raw);
      String path = entryPath(raw);
      if (path.isEmpty()) {
        return; // the root directory itself
      }
      String name = ImagePath.name(path);
      if (path.contains(WHITEOUT_PREFIX)) {
        if (name.equals(OPAQUE_MARKER)) {
          opaqueDirectories.add(ImagePath.parent(path));
          return;
        }
        if (isAufsMetadata(path)) {
          return; // aufs bookkeeping (hard-link directories), not image content
        }
        if (name.startsWith(WHITEOUT_PREFIX)) {
          String deleted = name.substring(WHITEOUT_PREFIX.length());
          if (deleted.isEmpty() || deleted.equals(".") || deleted.equals("..")) {
            throw new LayerException(
                LayerException.Reason.CORRUPT, layerDigest, "malformed whiteout entry: " + raw);
          }
          whiteouts.add(ImagePath.child(ImagePath.parent(path), deleted));
          return;
        }
      }

      FileEntry.Type type = typeOf(entry);
      String linkTarget = null;
      if (type == FileEntry.Type.SYMLINK) {
        linkTarget = tar.rawLinkName(entry);
        checkLength("symlink target", linkTarget);
      } else if (type == FileEntry.Type.HARDLINK) {
        String rawTarget = tar.rawLinkName(entry);
        checkLength("hard link target", rawTarget);
        linkTarget = entryPath(rawTarget);
      }
      long size = type == FileEntry.Type.FILE ? entry.getRealSize() : 0;
      FileEntry fileEntry =
          new FileEntry(
              path,
              type,
              entry.getMode() & 07777,
              entry.getLongUserId(),
              entry.getLongGroupId(),
              size,
              linkTarget,
              layerDigest,
              -1);
      // Re-inserting moves the path to its last position: later tar entries overwrite.
      entries.remove(path);
      entries.put(path, fileEntry);
      captured.remove(path);
      readings.remove(path);
      if (type == FileEntry.Type.FILE) {
        readFile(tar, path, fileEntry.mode(), size);
      } else if (type == FileEntry.Type.HARDLINK) {
        captureHardLink(path, linkTarget);
      }
    }

    /**
     * Captures what the selectors want and hands the file to the readers that want it, reading
     * the content once: a captured prefix is replayed to the readers before the rest streams on.
     */
    private void readFile(InputStream content, String path, int mode, long size)
        throws IOException, LayerException {
      long cap = captureCap(path);
      List<EntryReader> wanting = readersWanting(path, mode, size);
      CapturedFile file = cap < 0 ? null : captureFile(content, path, size, cap);
      if (wanting.isEmpty()) {
        return;
      }
      byte[] prefix = file == null ? new byte[0] : file.content();
      boolean whole = file != null && !file.truncated();
      if (wanting.size() == 1) {
        InputStream in = whole ? new ByteArrayInputStream(prefix)
            : prefix.length == 0 ? content
            : prefixed(prefix, content);
        runReader(wanting.get(0), path, in, size);
        return;
      }
      if (whole || size <= MULTI_READER_BUFFER_BYTES) {
        byte[] bytes = whole ? prefix : readRest(content, path, prefix, size);
        int length = whole ? prefix.length : (int) size;
        for (EntryReader reader : wanting) {
          runReader(reader, path, new ByteArrayInputStream(bytes, 0, length), size);
        }
        return;
      }
      runReader(wanting.get(0), path,
          prefix.length == 0 ? content : prefixed(prefix, content),
          size);
      // Not a failure of the file or of the other readers: a limit of reading once. The readers
      // are ordered so that the one that matters most for large files reads them (Go before
      // cargo-auditable for executables, Java before both for an executable jar); a problem here
      // would mark every image with a large executable as partly unreadable.
      Log.LOG.debug("layer {}: {} ({} bytes) read by {} only; {} skipped it (several readers read"
              + " one file only up to {} bytes)", layerDigest, path, size, wanting.get(0).name(),
          wanting.subList(1, wanting.size()).stream().map(EntryReader::name).toList(),
          MULTI_READER_BUFFER_BYTES);
    }

    /**
     * The captured prefix, then the rest of the entry. SequenceInputStream closes each stream it
     * finishes, and the tar's must stay open for the next entries.
     */
    private static InputStream prefixed(byte[] prefix, InputStream rest) {
      InputStream unclosable = new FilterInputStream(rest) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, len);
        }

        @Override
        public void close() {
          // the tar stream goes on with the next entry
        }
      };
      return new SequenceInputStream(new ByteArrayInputStream(prefix), unclosable);
    }

    private List<EntryReader> readersWanting(String path, int mode, long size) {
      List<EntryReader> wanting = List.of();
      for (EntryReader reader : readers) {
        boolean wants;
        try {
          wants = reader.wants(path, mode, size);
        } catch (RuntimeException e) {
          // Once per reader and layer: a reader failing on every path must not flood the facts.
          if (failedWants.add(reader.name())) {
            addReading(new EntryReading(reader.name(), path, layerDigest, -1, null,
                "wants() failed (further failures in this layer not recorded): " + e));
          }
          continue;
        }
        if (wants) {
          if (wanting.isEmpty()) {
            wanting = new ArrayList<>(2);
          }
          wanting.add(reader);
        }
      }
      return wanting;
    }

    /**
     * The whole file: the captured prefix, then the rest read from the tar. Small files go into
     * the walk's reused buffer (valid until the next file; the readers are done with a file when
     * they return), larger ones into an array of their own.
     */
    private byte[] readRest(InputStream content, String path, byte[] prefix, long size)
        throws IOException, LayerException {
      int length = (int) size;
      byte[] bytes;
      if (length <= REUSED_BUFFER_BYTES) {
        if (multiReaderBuffer.length < length) {
          multiReaderBuffer = new byte[Math.min(REUSED_BUFFER_BYTES, Math.max(length, 2 * multiReaderBuffer.length))];
        }
        bytes = multiReaderBuffer;
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      } else {
        bytes = Arrays.copyOf(prefix, length);
      }
      int got = content.readNBytes(bytes, prefix.length, length - prefix.length);
      if (prefix.length + got != length) {
        throw new LayerException(
            LayerException.Reason.TRUNCATED,
            layerDigest,
            "tar archive ends inside the content of " + path);
      }
      return bytes;
    }

    /**
     * Runs one reader over one file. A failure of the layer's own stream ends the walk as it
     * would without readers; anything the reader itself throws, or a reader swallowing a failure
     * of the stream, is told apart by the guard around the stream.
     */
    private void runReader(EntryReader reader, String path, InputStream in, long size)
        throws IOException {
      GuardedEntryStream guarded = new GuardedEntryStream(in);
      EntryReader.Result result;
      try {
        result = reader.read(path, guarded, size);
      } catch (IOException | RuntimeException | StackOverflowError e) {
        guarded.rethrowStreamFailure();
        addReading(new EntryReading(reader.name(), path, layerDigest, -1, null, e.toString()));
        return;
      }
      guarded.rethrowStreamFailure();
      if (result != null) {
        addReading(new EntryReading(reader.name(), path, layerDigest, -1, result, null));
      }
    }

    private void addReading(EntryReading reading) {
      readings.computeIfAbsent(reading.path(), p -> new ArrayList<>(1)).add(reading);
    }

    private CapturedFile captureFile(InputStream content, String path, long size, long cap)
        throws IOException, LayerException {
      int keep = (int) Math.min(size, cap);
      byte[] bytes = content.readNBytes(keep);
      if (bytes.length != keep) {
        throw new LayerException(
            LayerException.Reason.TRUNCATED,
            layerDigest,
            "tar archive ends inside the content of " + path);
      }
      CapturedFile file = new CapturedFile(path, layerDigest, -1, bytes, size > cap);
      keepCaptured(file);
      return file;
    }

    /**
     * A hard link shares its target's content; that content is only at hand if the target
     * was captured earlier in this layer (tar writes the target first).
     */
    private void captureHardLink(String path, String target) throws LayerException {
      long cap = captureCap(path);
      if (cap < 0) {
        return;
      }
      CapturedFile source = captured.get(target);
      if (source == null) {
        Log.LOG.debug("layer {}: hard link {} wanted but its target {} was not captured",
            layerDigest, path, target);
        return;
      }
      byte[] content = source.content();
      boolean truncated = source.truncated();
      if (content.length > cap) {
        content = Arrays.copyOf(content, (int) cap);
        truncated = true;
      }
      keepCaptured(new CapturedFile(path, layerDigest, -1, content, truncated));
    }

    /** The largest cap among selectors that want the path, or -1 when none does. */
    private long captureCap(String path) {
      long cap = -1;
      for (ContentSelector selector : selectors) {
        if (selector.wants().test(path)) {
          cap = Math.max(cap, Math.min(selector.maxBytes(), Integer.MAX_VALUE - 16));
        }
      }
      return cap;
    }

    private void keepCaptured(CapturedFile file) throws LayerException {
      capturedBytes += file.content().length;
      if (capturedBytes > limits.maxCapturedBytes()) {
        throw limit(
            "captured file contents exceed " + limits.maxCapturedBytes()
                + " bytes (maxCapturedBytes) at " + file.path());
      }
      captured.put(file.path(), file);
    }

    private String entryPath(String raw) throws LayerException {
      try {
        return ImagePath.ofEntry(raw);
      } catch (IllegalArgumentException e) {
        throw new LayerException(LayerException.Reason.UNSAFE_PATH, layerDigest, e.getMessage());
      }
    }

    private void checkLength(String what, String value) throws LayerException {
      if (value != null && value.length() > limits.maxPathLength()) {
        throw limit(
            what + " of " + value.length() + " characters exceeds " + limits.maxPathLength()
                + " (maxPathLength): " + value.substring(0, Math.min(64, value.length())) + "...");
      }
    }

    private LayerException limit(String detail) {
      return new LayerException(LayerException.Reason.LIMIT_EXCEEDED, layerDigest, detail);
    }

    LayerFacts facts(
        String diffId, LayerCompression compression, long compressedBytes, long uncompressedBytes) {
      return new LayerFacts(
          layerDigest,
          diffId,
          mediaType,
          compression,
          new ArrayList<>(entries.values()),
          whiteouts,
          opaqueDirectories,
          new ArrayList<>(captured.values()),
          readings.values().stream().flatMap(List::stream).toList(),
          tarEntries,
          compressedBytes,
          uncompressedBytes);
    }
  }

  /**
   * The entry's stream as a reader sees it: closing does nothing (the tar goes on), and a failure
   * of the underlying stream is remembered, so that it ends the walk even when the reader caught
   * it and reported the file as malformed.
   */
  private static final class GuardedEntryStream extends FilterInputStream {
    private IOException streamFailure;

    GuardedEntryStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        streamFailure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        streamFailure = e;
        throw e;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        streamFailure = e;
        throw e;
      }
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public void close() {
      // the layer's stream stays open for the next entries
    }

    void rethrowStreamFailure() throws IOException {
      if (streamFailure != null) {
        throw streamFailure;
      }
    }
  }

  private static boolean isAufsMetadata(String path) {
    return path.startsWith(AUFS_META_PREFIX) || path.contains("/" + AUFS_META_PREFIX);
  }

  private static FileEntry.Type typeOf(TarArchiveEntry entry) {
    if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice()) {
      return FileEntry.Type.OTHER;
    }
    if (entry.isDirectory()) {
      return FileEntry.Type.DIRECTORY;
    }
    if (entry.isSymbolicLink()) {
      return FileEntry.Type.SYMLINK;
    }
    if (entry.isLink()) {
      return FileEntry.Type.HARDLINK;
    }
    if (entry.isFile() || entry.isSparse()) {
      return FileEntry.Type.FILE;
    }
    return FileEntry.Type.OTHER;
  }
}
