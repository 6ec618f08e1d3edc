package dev.vigil.inventory.app;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A forward-only reader of a zip's local file headers, for archives that arrive as a stream.
 *
 * <p>Why not commons-compress's ZipArchiveInputStream: to step over an entry whose sizes follow
 * its data (a data descriptor, which Maven's archiver and java.util.zip write for most entries)
 * it inflates the entry. Here such an entry is skipped by scanning its compressed bytes for the
 * data descriptor whose compressed size equals the distance scanned, which is what makes reading
 * a jar cheaper than inflating it. Only entries a caller opens are inflated.
 *
 * <p>Limits, inherent to reading forward: entries known only to the central directory are not
 * seen; a data descriptor without its optional signature (the specification allows it; the
 * common writers, java.util.zip, commons-compress and Info-ZIP, write it) is not found when the
 * entry is skipped, which ends the archive with an error; methods other than stored and deflated
 * are skipped by size and cannot be opened; encrypted entries cannot be opened.
 */
final class JarStream implements AutoCloseable {

  static final int LFH = 0x04034b50;
  static final int CFH = 0x02014b50;
  static final int DD = 0x08074b50;
  static final int EOCD = 0x06054b50;
  static final int ZIP64_EOCD = 0x06064b50;

  static final int STORED = 0;
  static final int DEFLATED = 8;

  /** One local file header. */
  record Entry(String name, int method, int flags, long compressedSize, long size,
      boolean zip64) {
    boolean dataDescriptor() {
      return (flags & 8) != 0;
    }

    boolean encrypted() {
      return (flags & 1) != 0;
    }

    boolean directory() {
      return name.endsWith("/");
    }

    boolean canOpen() {
      return !encrypted() && (method == STORED || method == DEFLATED)
          && !(method == STORED && dataDescriptor() && compressedSize <= 0);
    }
  }

  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private boolean eof;
  private Inflater inflater;
  private Entry current;
  private boolean currentDone;
  private EntryData currentData;

  JarStream(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the central directory or the end of the stream. */
  Entry next() throws IOException {
    if (current != null && !currentDone) {
      skipRest();
    }
    current = null;
    currentData = null;
    if (!fill(4)) {
      if (limit - pos == 0) {
        return null;
      }
      throw new EOFException("truncated record signature");
    }
    int sig = int32(pos);
    if (sig == CFH || sig == EOCD || sig == ZIP64_EOCD) {
      return null;
    }
    if (sig != LFH) {
      throw new ZipException(String.format("unexpected record signature 0x%08x", sig));
    }
    need(30);
    int flags = int16(pos + 6);
    int method = int16(pos + 8);
    long csize = int32(pos + 18) & 0xffffffffL;
    long size = int32(pos + 22) & 0xffffffffL;
    int nameLength = int16(pos + 26);
    int extraLength = int16(pos + 28);
    pos += 30;
    need(nameLength + extraLength);
    String name = name(pos, nameLength, flags);
    boolean zip64 = false;
    int e = pos + nameLength;
    int end = e + extraLength;
    while (e + 4 <= end) {
      int id = int16(e);
      int len = int16(e + 2);
      if (id == 0x0001 && e + 4 + len <= end) {
        zip64 = true;
        int at = e + 4;
        if (size == 0xffffffffL && at + 8 <= e + 4 + len) {
          size = int64(at);
          at += 8;
        }
        if (csize == 0xffffffffL && at + 8 <= e + 4 + len) {
          csize = int64(at);
        }
      }
      e += 4 + len;
    }
    pos = end;
    if ((flags & 8) != 0 && method == DEFLATED) {
      csize = -1; // the header's sizes are zero: the descriptor after the data has them
      size = -1;
    }
    current = new Entry(name, method, flags, csize, size, zip64);
    currentDone = false;
    return current;
  }

  /** The current entry's uncompressed bytes; may be called once per entry. */
  InputStream open() throws IOException {
    if (current == null || !current.canOpen() || currentData != null) {
      throw new IllegalStateException("entry cannot be opened");
    }
    currentData = new EntryData(current);
    return currentData;
  }

  private void skipRest() throws IOException {
    Entry e = current;
    if (currentData != null) {
      currentData.transferTo(java.io.OutputStream.nullOutputStream());
      return;
    }
    if (!e.dataDescriptor()) {
      skipRaw(e.compressedSize());
    } else if (e.compressedSize() > 0) {
      skipRaw(e.compressedSize()); // stored with a descriptor, sizes also in the header
      readDescriptor(e);
    } else if (!scanToDescriptor(e)) {
      if (e.method() != DEFLATED) {
        throw new ZipException(e.name() + ": end of entry data not found (data descriptor"
            + " without signature)");
      }
      throw new ZipException(e.name() + ": data descriptor not found");
    }
    currentDone = true;
  }

  /**
   * Steps over the data of an entry whose sizes follow it: the descriptor is "PK\7\8", the CRC,
   * and a compressed size equal to the bytes between the header and it.
   *
   * <p>Most jars Maven writes are made of such entries, so every byte of every jar in an image
   * passes through here. The search is Horspool's: the four signature bytes are distinct, so the
   * byte at the end of a candidate window tells how far the next candidate can be (4 when it is
   * not a signature byte, as it mostly is not), and about a quarter of the bytes are looked at.
   */
  private boolean scanToDescriptor(Entry e) throws IOException {
    long scanned = 0;
    int descriptorLength = e.zip64() ? 24 : 16;
    while (true) {
      if (!fill(descriptorLength)) {
        // fewer bytes left than a descriptor: the archive ends inside this entry
        throw new EOFException(e.name() + ": truncated entry");
      }
      int last = limit - descriptorLength; // the last start with a whole descriptor buffered
      int i = pos;
      while (i <= last) {
        byte end = buf[i + 3];
        if (end == 8) {
          if (buf[i] == 'P' && buf[i + 1] == 'K' && buf[i + 2] == 7) {
            long distance = scanned + (i - pos);
            long csize = e.zip64() ? int64(i + 8) : int32(i + 8) & 0xffffffffL;
            if (csize == distance) {
              pos = i + descriptorLength;
              return true;
            }
          }
          i += 4; // 8 is only the signature's last byte: no signature starts at i+1..i+3
        } else if (end == 7) {
          i += 1;
        } else if (end == 'K') {
          i += 2;
        } else if (end == 'P') {
          i += 3;
        } else {
          i += 4;
        }
      }
      // Every start before i is ruled out; i is at most last + 4, inside the buffer, and the
      // bytes from i on are kept for the next round.
      scanned += i - pos;
      pos = i;
    }
  }

  private void readDescriptor(Entry e) throws IOException {
    if (!fill(4)) {
      throw new EOFException(e.name() + ": truncated data descriptor");
    }
    int length = e.zip64() ? 16 : 8;
    if (int32(pos) == DD) {
      pos += 4;
    }
    need(4 + length);
    pos += 4 + length;
  }

  private void skipRaw(long n) throws IOException {
    long buffered = Math.min(n, limit - pos);
    pos += (int) buffered;
    n -= buffered;
    while (n > 0) {
      long s = in.skip(n);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("truncated entry data");
        }
        s = 1;
      }
      n -= s;
    }
  }

  /** Bytes of the current entry, inflated if need be; the descriptor is consumed at the end. */
  private final class EntryData extends InputStream {
    private final Entry entry;
    private long rawLeft;
    private boolean finished;

    EntryData(Entry entry) {
      this.entry = entry;
      this.rawLeft = entry.compressedSize();
      if (entry.method() == DEFLATED) {
        if (inflater == null) {
          inflater = new Inflater(true);
        } else {
          inflater.reset();
        }
      }
    }

    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (finished) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      return entry.method() == STORED ? readStored(b, off, len) : readDeflated(b, off, len);
    }

    private int readStored(byte[] b, int off, int len) throws IOException {
      if (rawLeft == 0) {
        finish();
        return -1;
      }
      if (pos == limit && !fill(1)) {
        throw new EOFException(entry.name() + ": truncated entry data");
      }
      int n = (int) Math.min(Math.min(len, limit - pos), rawLeft);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      rawLeft -= n;
      return n;
    }

    private int readDeflated(byte[] b, int off, int len) throws IOException {
      try {
        while (true) {
          int n = inflater.inflate(b, off, len);
          if (n > 0) {
            return n;
          }
          if (inflater.finished()) {
            // what the inflater was given past the end of the deflate stream is not ours
            pos -= inflater.getRemaining();
            finish();
            return -1;
          }
          if (inflater.needsDictionary()) {
            throw new ZipException(entry.name() + ": deflate stream needs a dictionary");
          }
          if (inflater.needsInput()) {
            if (pos == limit && !fill(1)) {
              throw new EOFException(entry.name() + ": truncated entry data");
            }
            int give = limit - pos;
            if (rawLeft >= 0) {
              give = (int) Math.min(give, rawLeft);
              if (give == 0) {
                throw new ZipException(entry.name() + ": deflate stream longer than its entry");
              }
              rawLeft -= give;
            }
            inflater.setInput(buf, pos, give);
            pos += give;
          }
        }
      } catch (DataFormatException e) {
        throw new ZipException(entry.name() + ": " + e.getMessage());
      }
    }

    private void finish() throws IOException {
      finished = true;
      if (entry.method() == DEFLATED && rawLeft > 0) {
        skipRaw(rawLeft); // padding after the deflate stream, inside the stated size
      }
      if (entry.dataDescriptor()) {
        readDescriptor(entry);
      }
      currentDone = true;
    }

    @Override
    public void close() {
      // the entry ends when the archive moves on
    }
  }

  /** Makes sure n bytes are buffered, or throws at the end of the stream. */
  private void need(int n) throws IOException {
    if (!fill(n)) {
      throw new EOFException("truncated zip record");
    }
  }

  /** Tries to buffer n bytes; false when the stream ends first. */
  private boolean fill(int n) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (n > buf.length) {
      throw new ZipException("zip record longer than " + buf.length + " bytes");
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit < n && !eof) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    }
    return limit - pos >= n;
  }

  private int int16(int at) {
    return (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8;
  }

  private int int32(int at) {
    return int16(at) | int16(at + 2) << 16;
  }

  private long int64(int at) {
    return (int32(at) & 0xffffffffL) | (long) int32(at + 4) << 32;
  }

  /** Names without the UTF-8 flag: UTF-8 when they decode as such (jar tools), else Latin-1. */
  private String name(int at, int length, int flags) {
    if ((flags & 0x800) == 0) {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(buf, at, length)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        return new String(buf, at, length, StandardCharsets.ISO_8859_1);
      }
    }
    return new String(buf, at, length, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (inflater != null) {
      inflater.end();
    }
  }
}
