package dev.vigil.testsupport;

import com.github.luben.zstd.ZstdOutputStream;
import dev.vigil.registry.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * One image layer built in memory: the tar stream, its compressed blob, the blob digest and
 * the diff_id (digest of the uncompressed tar).
 *
 * @param tar the uncompressed tar stream
 * @param blob the layer blob as pushed (compressed or not)
 * @param compression how {@code blob} is compressed
 * @param digest digest of {@code blob}
 * @param diffId digest of {@code tar}, as listed in the config's rootfs.diff_ids
 */
public record TestLayer(byte[] tar, byte[] blob, Compression compression, String digest, String diffId) {

  /** A fixed modification time so identical layers get identical digests. */
  public static final Instant DEFAULT_MTIME = Instant.parse("2024-01-01T00:00:00Z");

  public long size() {
    return blob.length;
  }

  /** Builds a layer's tar entries in order. Paths are relative ("usr/bin/su"). */
  public static final class Builder {
    private final List<TarArchiveEntry> entries = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private Instant mtime = DEFAULT_MTIME;

    Builder() {}

    /** Modification time for entries added after this call. */
    public Builder mtime(Instant time) {
      this.mtime = time;
      return this;
    }

    /** A regular file owned by root, mode 0644. */
    public Builder file(String path, String content) {
      return file(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
    }

    /** A regular file owned by root with the given mode (e.g. 04755 for setuid). */
    public Builder file(String path, byte[] content, int mode) {
      return file(path, content, mode, 0, 0);
    }

    /** A regular file with mode, uid and gid. */
    public Builder file(String path, byte[] content, int mode, long uid, long gid) {
      TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_NORMAL);
      entry.setSize(content.length);
      return add(entry, mode, uid, gid, content);
    }

    /** A directory (a trailing "/" is added). */
    public Builder directory(String path, int mode) {
      TarArchiveEntry entry =
          new TarArchiveEntry(path.endsWith("/") ? path : path + "/", TarConstants.LF_DIR);
      return add(entry, mode, 0, 0, new byte[0]);
    }

    /** A symbolic link at {@code path} pointing to {@code target}. */
    public Builder symlink(String path, String target) {
      TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_SYMLINK);
      entry.setLinkName(target);
      return add(entry, 0777, 0, 0, new byte[0]);
    }

    /** A hard link at {@code path} to the earlier entry {@code target}. */
    public Builder hardlink(String path, String target) {
      TarArchiveEntry entry = new TarArchiveEntry(path, TarConstants.LF_LINK);
      entry.setLinkName(target);
      return add(entry, 0644, 0, 0, new byte[0]);
    }

    /** Deletes a path of lower layers: writes "dir/.wh.name". */
    public Builder whiteout(String path) {
      int slash = path.lastIndexOf('/');
      String dir = slash < 0 ? "" : path.substring(0, slash + 1);
      String name = slash < 0 ? path : path.substring(slash + 1);
      return file(dir + ".wh." + name, new byte[0], 0644);
    }

    /** Hides everything lower layers put in a directory: writes "dir/.wh..wh..opq". */
    public Builder opaque(String directory) {
      String dir = directory.endsWith("/") ? directory : directory + "/";
      return file(dir + ".wh..wh..opq", new byte[0], 0644);
    }

    /** Any entry prepared by the caller (devices, fifos, PAX headers, ...). */
    public Builder entry(TarArchiveEntry entry, byte[] content) {
      entries.add(entry);
      contents.add(content);
      return this;
    }

    private Builder add(TarArchiveEntry entry, int mode, long uid, long gid, byte[] content) {
      entry.setMode(mode);
      entry.setUserId(uid);
      entry.setGroupId(gid);
      entry.setModTime(Date.from(mtime));
      entries.add(entry);
      contents.add(content);
      return this;
    }

    /** The layer gzip-compressed. */
    public TestLayer build() {
      return build(Compression.GZIP);
    }

    /** The layer with the given compression. */
    public TestLayer build(Compression compression) {
      byte[] tar = tar();
      byte[] blob = compress(tar, compression);
      return new TestLayer(
          tar, blob, compression, Digest.sha256(blob).toString(), Digest.sha256(tar).toString());
    }

    private byte[] tar() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
        // Long names and big ids go into PAX headers, as modern image builders write them.
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (int i = 0; i < entries.size(); i++) {
          tar.putArchiveEntry(entries.get(i));
          byte[] content = contents.get(i);
          if (entries.get(i).isFile() && content.length > 0) {
            tar.write(content);
          }
          tar.closeArchiveEntry();
        }
        tar.finish();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    private static byte[] compress(byte[] tar, Compression compression) {
      if (compression == Compression.NONE) {
        return tar;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (OutputStream out =
          compression == Compression.GZIP ? new GZIPOutputStream(bytes) : new ZstdOutputStream(bytes)) {
        out.write(tar);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }
}
