package dev.vigil.vulndb.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** OSV records in a local zip file such as a downloaded osv.dev all.zip. */
public final class ZipFileSource implements VulnDbSource {

  private final Path zip;

  public ZipFileSource(Path zip) {
    this.zip = zip.toAbsolutePath().normalize();
  }

  @Override
  public String description() {
    return "zip " + zip;
  }

  @Override
  public OpenedSource open() throws IOException {
    if (!Files.isRegularFile(zip)) {
      throw new IOException("OSV zip file does not exist: " + zip);
    }
    ZipRecordReader.verifyArchive(zip);
    return new CachedZip(zip, zip.getFileName().toString(), Digests.ofFile(zip), List.of());
  }
}
