package dev.vigil.image;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars in memory for tests, the way image builders write them. */
final class TarLayer {

  private static final java.nio.file.attribute.FileTime MTIME =
      java.nio.file.attribute.FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000L));

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;

  private TarLayer(int longFileMode) {
    tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(longFileMode);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /** Long names as PAX headers, as Docker and BuildKit write them. */
  static TarLayer pax() {
    return new TarLayer(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  /** Long names as GNU "././@LongLink" records, as GNU tar writes them. */
  static TarLayer gnu() {
    return new TarLayer(TarArchiveOutputStream.LONGFILE_GNU);
  }

  TarLayer dir(String path, int mode) {
    return dir(path, mode, 0, 0);
  }

  TarLayer dir(String path, int mode, long uid, long gid) {
    TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_DIR, true);
    entry.setMode(mode);
    entry.setUserId(uid);
    entry.setGroupId(gid);
    return put(entry, null);
  }

  TarLayer file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
  }

  TarLayer file(String path, String content, int mode) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), mode, 0, 0);
  }

  TarLayer file(String path, byte[] content, int mode, long uid, long gid) {
    TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_NORMAL, true);
    entry.setMode(mode);
    entry.setUserId(uid);
    entry.setGroupId(gid);
    entry.setSize(content.length);
    return put(entry, content);
  }

  TarLayer symlink(String path, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_SYMLINK, true);
    entry.setMode(0777);
    entry.setLinkName(target);
    return put(entry, null);
  }

  TarLayer hardlink(String path, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_LINK, true);
    entry.setMode(0755);
    entry.setLinkName(target);
    return put(entry, null);
  }

  TarLayer whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String name = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    return file(name, new byte[0], 0644, 0, 0);
  }

  TarLayer opaque(String directory) {
    return file(directory + "/.wh..wh..opq", new byte[0], 0644, 0, 0);
  }

  TarLayer fifo(String path) {
    TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_FIFO, true);
    entry.setMode(0644);
    return put(entry, null);
  }

  private TarLayer put(TarArchiveEntry entry, byte[] content) {
    // Whole seconds, as image builders write them: no PAX mtime record for sub-seconds.
    entry.setModTime(MTIME);
    try {
      tar.putArchiveEntry(entry);
      if (content != null) {
        tar.write(content);
      }
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The finished, uncompressed tar. */
  byte[] tar() {
    try {
      tar.finish();
      tar.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Two gzip members back to back, split at {@code at}, as pigz or appenders produce. */
  static byte[] gzipTwoMembers(byte[] data, int at) {
    byte[] first = gzip(java.util.Arrays.copyOfRange(data, 0, at));
    byte[] second = gzip(java.util.Arrays.copyOfRange(data, at, data.length));
    byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  static byte[] zstd(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdOutputStream zstd = new ZstdOutputStream(out)) {
      zstd.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] data) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
