package dev.vigil.vulndb.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** An opened source backed by a zip file on local disk. */
final class CachedZip implements OpenedSource {

  private final Path zip;
  private final String originPrefix;
  private final String version;
  private final List<String> warnings;

  CachedZip(Path zip, String originPrefix, String version, List<String> warnings) {
    this.zip = zip;
    this.originPrefix = originPrefix;
    this.version = version;
    this.warnings = List.copyOf(warnings);
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public void read(OsvDocumentSink sink) throws IOException {
    ZipRecordReader.read(zip, originPrefix, sink);
  }

  @Override
  public void close() {}
}
