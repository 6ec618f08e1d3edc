package dev.vigil.vulndb.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Streams the *.json entries of a zip file (such as osv.dev's per-ecosystem all.zip) one by one
 * into memory, never extracting to disk. Each entry is checked against its size cap and its CRC,
 * so a corrupt entry is reported and skipped while the others are still read.
 */
final class ZipRecordReader {

  static final long MAX_ENTRY_BYTES = 16L * 1024 * 1024;
  static final int MAX_ENTRIES = 2_000_000;

  private ZipRecordReader() {}

  /** Checks that the file is a readable zip archive (its central directory opens). */
  static void verifyArchive(Path zip) throws IOException {
    try (ZipFile ignored = new ZipFile(zip.toFile())) {
      // Opening parses the central directory; that is the check.
    } catch (IOException e) {
      throw new IOException("not a readable zip archive: " + zip.getFileName() + ": " + e.getMessage(), e);
    }
  }

  static void read(Path zip, String originPrefix, OsvDocumentSink sink) throws IOException {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      List<ZipEntry> entries = new ArrayList<>();
      Enumeration<? extends ZipEntry> all = file.entries();
      while (all.hasMoreElements()) {
        ZipEntry entry = all.nextElement();
        if (!entry.isDirectory() && entry.getName().endsWith(".json")) {
          entries.add(entry);
          if (entries.size() > MAX_ENTRIES) {
            throw new IOException(
                "zip archive " + originPrefix + " has more than " + MAX_ENTRIES + " entries");
          }
        }
      }
      entries.sort(Comparator.comparing(ZipEntry::getName));
      for (ZipEntry entry : entries) {
        String origin = originPrefix + "!" + entry.getName();
        byte[] content;
        try {
          content = readEntry(file, entry);
        } catch (IOException e) {
          sink.unreadable(origin, "corrupt entry: " + e.getMessage());
          continue;
        }
        if (content != null) {
          sink.document(origin, content);
        } else {
          sink.unreadable(origin, "entry larger than " + MAX_ENTRY_BYTES + " bytes");
        }
      }
    } catch (IOException e) {
      throw new IOException("cannot read zip archive " + originPrefix + ": " + e.getMessage(), e);
    }
  }

  /** The entry's bytes, or null when it exceeds the cap. */
  private static byte[] readEntry(ZipFile file, ZipEntry entry) throws IOException {
    if (entry.getSize() > MAX_ENTRY_BYTES) {
      return null;
    }
    byte[] content;
    try (InputStream in = file.getInputStream(entry)) {
      // Read one byte past the cap: declared sizes can lie.
      content = in.readNBytes((int) MAX_ENTRY_BYTES + 1);
    } catch (RuntimeException e) {
      // java.util.zip reports some malformed headers as unchecked exceptions.
      throw new IOException(e.toString(), e);
    }
    if (content.length > MAX_ENTRY_BYTES) {
      return null;
    }
    if (entry.getSize() >= 0 && content.length != entry.getSize()) {
      throw new IOException(
          "size mismatch: expected " + entry.getSize() + " bytes, read " + content.length);
    }
    if (entry.getCrc() >= 0) {
      CRC32 crc = new CRC32();
      crc.update(content);
      if (crc.getValue() != entry.getCrc()) {
        throw new IOException("CRC mismatch");
      }
    }
    return content;
  }
}
