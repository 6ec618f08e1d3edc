package dev.vigil.inventory.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/** The copied fixtures under src/test/resources/inventory/app and helpers to stream them. */
final class BinaryFixtures {

  private BinaryFixtures() {}

  static byte[] bytes(String relative) {
    String resource = "/inventory/app/" + relative;
    try (InputStream in = BinaryFixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String relative) {
    try {
      return new ObjectMapper().readTree(bytes(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "name@version" per package, in order. */
  static List<String> coordinates(PackageEvidence evidence) {
    return evidence.packages().stream()
        .map(p -> p.name() + "@" + p.version())
        .collect(Collectors.toList());
  }

  /** Counts what a reader takes from a stream, to show it stops early. */
  static final class CountingStream extends FilterInputStream {
    long read;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        read++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        read += n;
      }
      return n;
    }
  }

  /**
   * A long stream made on the fly: {@code head} then bytes from a cheap generator, so that a
   * test can offer hundreds of megabytes without holding them.
   */
  static final class GeneratedStream extends InputStream {
    private final byte[] head;
    private final long size;
    private long pos;
    private long state = 0x9E3779B97F4A7C15L;

    GeneratedStream(byte[] head, long size) {
      this.head = head;
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++, pos++) {
        if (pos < head.length) {
          b[off + i] = head[(int) pos];
        } else {
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
          b[off + i] = (byte) state;
        }
      }
      return n;
    }
  }
}
