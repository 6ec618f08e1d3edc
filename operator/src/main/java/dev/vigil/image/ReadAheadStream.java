package dev.vigil.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream on a thread of its own, a bounded distance ahead of the reader. A layer walk
 * puts the download and the decompression here and keeps hashing and tar parsing on the
 * caller's thread, so one layer uses two cores, as {@code curl | gzip -dc | tar -t} does.
 *
 * <p>Memory is bounded: at most {@link #CHUNKS} chunks of {@link #CHUNK_SIZE} bytes are in
 * flight, and the reading thread waits while they are all full. A failure of the source (an
 * {@link IOException}, a {@link RuntimeException} from a decompressor, an {@link Error}) is
 * thrown to the reader, as the same object, at the point of the stream where it happened;
 * after a failure or the end every further read gives the same answer. {@link #close()} stops
 * the thread and waits for it before it closes the source, so nobody reads the source after
 * close returns. Not for use by more than one reader thread.
 */
final class ReadAheadStream extends InputStream {

  static final int CHUNK_SIZE = 256 * 1024;
  static final int CHUNKS = 4;

  /** One filled chunk, the end of the source, or its failure. */
  private record Chunk(byte[] bytes, int length, Throwable failure) {
    static final Chunk END = new Chunk(null, -1, null);
  }

  /** How long close() lets the thread notice the interrupt before it closes the source under it. */
  private static final long STOP_WAIT_MILLIS = 200;

  private final InputStream source;
  private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(CHUNKS);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS + 2);
  private final Thread thread;
  private volatile boolean closed;
  private Chunk current;
  private int position;

  /**
   * Starts reading {@code source} at once on a new daemon thread named {@code name}.
   */
  ReadAheadStream(InputStream source, String name) {
    this.source = source;
    this.thread = new Thread(this::fill, name);
    thread.setDaemon(true);
    thread.start();
  }

  private void fill() {
    while (!closed) {
      byte[] buffer = free.poll();
      if (buffer == null) {
        // Chunks are recycled, so only the first few are ever allocated.
        buffer = new byte[CHUNK_SIZE];
      }
      int filledBytes = 0;
      Throwable failure = null;
      boolean end = false;
      try {
        while (filledBytes < buffer.length) {
          int n = source.read(buffer, filledBytes, buffer.length - filledBytes);
          if (n < 0) {
            end = true;
            break;
          }
          filledBytes += n;
        }
      } catch (Throwable t) {
        failure = t;
      }
      // The bytes before a failure reach the reader before the failure does.
      if (filledBytes > 0 && !hand(new Chunk(buffer, filledBytes, null))) {
        return;
      }
      if (failure != null) {
        hand(new Chunk(null, 0, failure));
        return;
      }
      if (end) {
        hand(Chunk.END);
        return;
      }
    }
  }

  /**
   * Queues a chunk, waiting while the queue is full; false once the stream is closed. Polls
   * {@link #closed} because a source may swallow the interrupt that {@link #close()} sends.
   */
  private boolean hand(Chunk chunk) {
    try {
      while (!closed) {
        if (filled.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      // close() stops the thread; the reader is gone.
    }
    return false;
  }

  @Override
  public int read() throws IOException {
    if (!ready()) {
      return -1;
    }
    return current.bytes[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!ready()) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current.bytes, position, b, off, n);
    position += n;
    return n;
  }

  /** The bytes left in the current chunk: readable without waiting. */
  @Override
  public int available() {
    return current == null || current.bytes == null ? 0 : current.length - position;
  }

  /** True when the current chunk has bytes left; false at the end; throws the source's failure. */
  private boolean ready() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (current != null && current.bytes != null && position < current.length) {
      return true;
    }
    if (current == Chunk.END) {
      return false;
    }
    if (current != null && current.failure != null) {
      throw rethrow(current.failure);
    }
    if (current != null) {
      free.offer(current.bytes);
    }
    try {
      current = filled.take();
    } catch (InterruptedException e) {
      current = null;
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the layer's bytes");
    }
    position = 0;
    if (current.failure != null) {
      throw rethrow(current.failure);
    }
    return current != Chunk.END;
  }

  private static IOException rethrow(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IOException(failure);
  }

  /** Stops the reading thread, waits for it, then closes the source. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    thread.interrupt();
    boolean interrupted = false;
    boolean sourceClosed = false;
    while (true) {
      try {
        thread.join(sourceClosed ? 0 : STOP_WAIT_MILLIS);
        if (!thread.isAlive()) {
          break;
        }
        if (!sourceClosed) {
          // A read blocked on a socket does not notice the interrupt (the registry's
          // HttpURLConnection); closing the source under it drops the connection and ends it.
          sourceClosed = true;
          closeQuietly(source);
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    filled.clear();
    free.clear();
    if (!sourceClosed) {
      source.close();
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException e) {
      // The stream is abandoned; the reading thread reports nothing to anyone any more.
    }
  }
}
