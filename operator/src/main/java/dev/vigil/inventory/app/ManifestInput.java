package dev.vigil.inventory.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * What the package-manager manifest readers (npm, PyPI, RubyGems, NuGet, Packagist) share: the
 * size cap, bounded reads that never close the walker's stream, one JSON factory, and problem
 * sentences that start with the path.
 */
final class ManifestInput {

  /**
   * One factory for every JSON manifest. The walker owns the stream, so the parser must not close
   * it; Jackson's default nesting and string limits bound hostile input.
   */
  static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

  private ManifestInput() {}

  static String shown(String path) {
    return "/" + path;
  }

  static String mib(long bytes) {
    return bytes % (1024 * 1024) == 0 ? (bytes / (1024 * 1024)) + " MiB" : bytes + " bytes";
  }

  /** The problem sentence for a file above its reader's cap; the file is then not read at all. */
  static String overCap(String path, long size, long cap, String what) {
    return shown(path) + ": " + what + " of " + size + " bytes is above the " + mib(cap)
        + " this reader accepts; its packages are not listed";
  }

  /**
   * Up to {@code max} bytes of the stream; fewer when it ends first. Never closes it.
   *
   * @return the bytes read, or null when the stream holds more than {@code max} bytes
   */
  static byte[] readAtMost(InputStream in, long max) throws IOException {
    int limit = (int) Math.min(Integer.MAX_VALUE - 16, max);
    byte[] bytes = in.readNBytes(limit);
    if (bytes.length == limit && in.read() != -1) {
      return null;
    }
    return bytes;
  }

  /** A parser over the stream that leaves it open. */
  static JsonParser json(InputStream in) throws IOException {
    return JSON.createParser(in);
  }

  /** The sentence for JSON that does not parse, with where the parser stopped. */
  static String notJson(String path, JsonProcessingException e, String what) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 0
            ? ""
            : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return shown(path) + ": " + what + " is not valid JSON" + where + ": " + e.getOriginalMessage();
  }

  /** The sentence for bytes that are no valid text in any Unicode encoding JSON allows. */
  static String notText(String path, CharConversionException e, String what) {
    return shown(path) + ": " + what + " is not valid JSON text: " + e.getMessage();
  }

  static PackageEvidence problem(String sentence) {
    return new PackageEvidence(List.of(), List.of(sentence));
  }

  /** The last element of a slash-separated path. */
  static String fileName(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /** The element {@code up} levels above the file name (1 = its directory), or "" above the top. */
  static String parentName(String path, int up) {
    String rest = path;
    for (int i = 0; i < up; i++) {
      int slash = rest.lastIndexOf('/');
      if (slash < 0) {
        return "";
      }
      rest = rest.substring(0, slash);
    }
    return fileName(rest);
  }
}
