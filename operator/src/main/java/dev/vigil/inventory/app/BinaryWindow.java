package dev.vigil.inventory.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A forward-only view of a file that streams past in fixed-size chunks: the only way to look at
 * an executable inside a layer, where nothing can seek and nothing is written to disk. Each chunk
 * keeps the last {@code keep} bytes of the previous one in front of it, so that a pattern or a
 * fixed-size header that straddles two reads is still seen whole; positions up to {@link
 * #scanEnd()} are new to a scanner in each round, and each position is offered exactly once.
 *
 * <p>Bytes wanted further on, at an offset found in a header (a pointer, a length), are asked
 * for with {@link #capture}: they are copied out as the stream passes them, and the callback
 * runs once they are all there or the file ended first. Memory is one chunk plus the captures.
 */
final class BinaryWindow {

  /** Bytes at a known offset, filled as the stream passes them. */
  static final class Capture {
    final long offset;
    final byte[] data;
    int filled;
    private final Consumer<Capture> done;

    private Capture(long offset, int length, Consumer<Capture> done) {
      this.offset = offset;
      this.data = new byte[length];
      this.done = done;
    }

    boolean complete() {
      return filled == data.length;
    }
  }

  private final InputStream in;
  private final int keep;
  private final long limit;
  private final byte[] buf;
  private final List<Capture> pending = new ArrayList<>();
  private int len;
  private long base;
  private boolean started;
  private boolean last;

  /**
   * @param chunk bytes read per round (the header window: the first round holds the first
   *     {@code chunk} bytes of the file, or all of a smaller one)
   * @param keep bytes carried over between rounds, at least the longest pattern plus what a
   *     scanner reads right after a match
   * @param limit no byte at or past this offset is read
   */
  BinaryWindow(InputStream in, int chunk, int keep, long limit) {
    this(in, chunk, keep, limit, Long.MAX_VALUE);
  }

  /**
   * @param size the file's size, when known: a file smaller than a chunk gets a buffer of its
   *     own size plus one byte (most executables of an image are a few KiB to a few tens of KiB)
   */
  BinaryWindow(InputStream in, int chunk, int keep, long limit, long size) {
    if (keep >= chunk) {
      throw new IllegalArgumentException("keep " + keep + " must be below chunk " + chunk);
    }
    this.in = in;
    this.keep = keep;
    this.limit = limit;
    this.buf = new byte[(int) Math.max(keep + 1L, Math.min(chunk, Math.min(size, limit) + 1))];
  }

  byte[] buffer() {
    return buf;
  }

  int length() {
    return len;
  }

  /** The file offset of {@code buffer()[0]}. */
  long base() {
    return base;
  }

  /** True once the last bytes (end of file or the limit) are in the buffer. */
  boolean atEnd() {
    return last;
  }

  /** Positions below this index are scanned this round; the rest come back at index 0 next. */
  int scanEnd() {
    return last ? len : Math.max(0, len - keep);
  }

  /**
   * Moves on to the next chunk, feeding pending captures; false when the previous round was
   * the last, after the captures still open have been handed to their callbacks as they are.
   */
  boolean advance() throws IOException {
    if (last) {
      flushPending();
      return false;
    }
    if (started) {
      int from = scanEnd();
      System.arraycopy(buf, from, buf, 0, len - from);
      base += from;
      len -= from;
    }
    started = true;
    while (len < buf.length) {
      long room = limit - (base + len);
      if (room <= 0) {
        last = true;
        break;
      }
      int n = in.read(buf, len, (int) Math.min(buf.length - len, room));
      if (n < 0) {
        last = true;
        break;
      }
      len += n;
    }
    feedPending();
    return true;
  }

  /**
   * Asks for {@code length} bytes at {@code offset}; the callback runs when they are there (at
   * once if they already are) or, with {@code filled} short, when the file ends first. Returns
   * false, without calling back, when the offset has already streamed past.
   */
  boolean capture(long offset, int length, Consumer<Capture> done) {
    if (offset < base || length < 0) {
      return false;
    }
    Capture c = new Capture(offset, length, done);
    copyInto(c);
    if (c.complete()) {
      c.done.accept(c);
    } else {
      pending.add(c);
    }
    return true;
  }

  /** True while some capture waits for bytes. */
  boolean hasPending() {
    return !pending.isEmpty();
  }

  private void feedPending() {
    // Callbacks may add captures; those already copy what is in the buffer.
    List<Capture> ready = new ArrayList<>();
    for (Iterator<Capture> it = pending.iterator(); it.hasNext(); ) {
      Capture c = it.next();
      copyInto(c);
      if (c.complete()) {
        it.remove();
        ready.add(c);
      }
    }
    for (Capture c : ready) {
      c.done.accept(c);
    }
  }

  private void flushPending() {
    while (!pending.isEmpty()) {
      Capture c = pending.remove(0);
      c.done.accept(c);
    }
  }

  private void copyInto(Capture c) {
    long want = c.offset + c.filled;
    long end = base + len;
    if (want < base || want >= end) {
      return;
    }
    int from = (int) (want - base);
    int n = (int) Math.min(c.data.length - c.filled, end - want);
    System.arraycopy(buf, from, c.data, c.filled, n);
    c.filled += n;
  }
}
