package dev.vigil.vulndb.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds zip archives for tests. */
public final class TestZips {
  private TestZips() {}

  /** A zip whose entries are stored uncompressed, so their bytes can be found and damaged. */
  public static byte[] stored(Map<String, String> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** Flips one byte inside the first occurrence of {@code marker}. */
  public static byte[] damage(byte[] zip, String marker) {
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + needle.length <= zip.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (zip[i + j] != needle[j]) {
          continue outer;
        }
      }
      byte[] copy = zip.clone();
      copy[i + needle.length / 2] ^= 0x20;
      return copy;
    }
    throw new IllegalArgumentException("marker not found: " + marker);
  }

  public static String record(String id, String ecosystem, String name, String fixed) {
    return """
        {"id":"%s","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"%s","name":"%s"},
         "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"%s"}]}]}]}
        """
        .formatted(id, ecosystem, name, fixed);
  }
}
