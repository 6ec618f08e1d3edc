package dev.vigil.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The layer walk's read-ahead: same bytes, same failures at the same place, bounded, stoppable. */
class ReadAheadStreamTest {

  @Test
  void theReaderGetsEveryByteInOrderWhateverSizesItAsksFor() throws Exception {
    byte[] data = new byte[3 * ReadAheadStream.CHUNK_SIZE + 12345];
    Random random = new Random(7);
    random.nextBytes(data);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (ReadAheadStream in = new ReadAheadStream(new ByteArrayInputStream(data), "test")) {
      byte[] buffer = new byte[100_000];
      while (true) {
        if (random.nextInt(10) == 0) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          got.write(b);
          continue;
        }
        int n = in.read(buffer, 0, 1 + random.nextInt(buffer.length));
        if (n < 0) {
          break;
        }
        got.write(buffer, 0, n);
      }
      assertEquals(-1, in.read(), "the end stays the end");
    }
    assertArrayEquals(data, got.toByteArray());
  }

  @Test
  void aFailureOfTheSourceReachesTheReaderAfterTheBytesBeforeItAndStays() throws Exception {
    IOException failure = new IOException("connection reset");
    int before = ReadAheadStream.CHUNK_SIZE + 100;
    InputStream source = new InputStream() {
      int position;

      @Override
      public int read() throws IOException {
        if (position == before) {
          throw failure;
        }
        position++;
        return 'x';
      }
    };
    try (ReadAheadStream in = new ReadAheadStream(source, "test")) {
      byte[] buffer = new byte[before * 2];
      int total = 0;
      IOException thrown = null;
      while (thrown == null) {
        try {
          int n = in.read(buffer, total, buffer.length - total);
          assertTrue(n > 0, "no end before the failure");
          total += n;
        } catch (IOException e) {
          thrown = e;
        }
      }
      assertEquals(before, total);
      assertSame(failure, thrown);
      assertSame(failure, assertThrows(IOException.class, in::read));
    }
  }

  @Test
  void anUncheckedFailureOfADecompressorIsThrownAsItself() throws Exception {
    IllegalArgumentException failure = new IllegalArgumentException("invalid block type");
    InputStream source = new InputStream() {
      @Override
      public int read() {
        throw failure;
      }
    };
    try (ReadAheadStream in = new ReadAheadStream(source, "test")) {
      assertSame(failure, assertThrows(IllegalArgumentException.class, in::read));
    }
  }

  @Test
  void theThreadReadsOnlyAFewChunksAheadOfASlowReader() throws Exception {
    AtomicLong produced = new AtomicLong();
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        produced.incrementAndGet();
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        produced.addAndGet(len);
        return len;
      }
    };
    try (ReadAheadStream in = new ReadAheadStream(endless, "test")) {
      in.read();
      Thread.sleep(300);
      long ahead = produced.get();
      Thread.sleep(300);
      assertEquals(ahead, produced.get(), "the thread waits for the reader");
      assertTrue(ahead <= (ReadAheadStream.CHUNKS + 2L) * ReadAheadStream.CHUNK_SIZE, ahead + " bytes ahead");
    }
  }

  @Test
  void closeStopsAThreadWaitingOnTheSourceAndThenClosesTheSource() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    AtomicBoolean readAfterClose = new AtomicBoolean();
    InputStream stalled = new InputStream() {
      @Override
      public int read() throws IOException {
        if (closed.get()) {
          readAfterClose.set(true);
        }
        reading.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted");
        }
        return 0;
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
    ReadAheadStream in = new ReadAheadStream(stalled, "test-stalled");
    assertTrue(reading.await(10, TimeUnit.SECONDS));
    long start = System.nanoTime();
    in.close();
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "close waited for the stalled read");
    assertTrue(closed.get(), "the source is closed");
    assertFalse(readAfterClose.get(), "nobody read the source after it was closed");
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("test-stalled")),
        "the thread ended");
    assertThrows(IOException.class, in::read);
  }

  @Test
  void closeDropsASourceWhoseReadIgnoresTheInterruptSoTheBlockedReadEnds() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch sourceClosed = new CountDownLatch(1);
    // Like a socket read: an interrupt does not end it, closing the socket does.
    InputStream socketLike = new InputStream() {
      @Override
      public int read() throws IOException {
        reading.countDown();
        while (true) {
          try {
            if (sourceClosed.await(60, TimeUnit.SECONDS)) {
              throw new java.net.SocketException("Socket closed");
            }
          } catch (InterruptedException e) {
            // not noticed
          }
        }
      }

      @Override
      public void close() {
        sourceClosed.countDown();
      }
    };
    ReadAheadStream in = new ReadAheadStream(socketLike, "test-socket-like");
    assertTrue(reading.await(10, TimeUnit.SECONDS));

    assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), in::close);
    assertEquals(0, sourceClosed.getCount(), "the source is closed");
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("test-socket-like")),
        "the thread ended");
  }
}
