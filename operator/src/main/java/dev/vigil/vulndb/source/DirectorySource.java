package dev.vigil.vulndb.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * OSV records as *.json files in a directory tree (e.g. a checkout of a distribution's OSV
 * repository). The version token digests every file's relative path, size and modification
 * time, so an edited or added file changes it without the whole tree being hashed.
 */
public final class DirectorySource implements VulnDbSource {

  private final Path root;

  public DirectorySource(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String description() {
    return "directory " + root;
  }

  @Override
  public OpenedSource open() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("OSV directory does not exist or is not a directory: " + root);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files =
          walk.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    StringBuilder listing = new StringBuilder();
    List<FileStamp> stamps = new ArrayList<>(files.size());
    for (Path file : files) {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      String relative = root.relativize(file).toString();
      stamps.add(new FileStamp(file, relative, attributes.size()));
      listing
          .append(relative)
          .append('\t')
          .append(attributes.size())
          .append('\t')
          .append(attributes.lastModifiedTime().toMillis())
          .append('\n');
    }
    String version = Digests.ofText(listing.toString());
    return new OpenedSource() {
      @Override
      public String version() {
        return version;
      }

      @Override
      public List<String> warnings() {
        return List.of();
      }

      @Override
      public void read(OsvDocumentSink sink) {
        for (FileStamp stamp : stamps) {
          if (stamp.size() > ZipRecordReader.MAX_ENTRY_BYTES) {
            sink.unreadable(stamp.relative(), "file larger than " + ZipRecordReader.MAX_ENTRY_BYTES + " bytes");
            continue;
          }
          try {
            sink.document(stamp.relative(), Files.readAllBytes(stamp.file()));
          } catch (IOException e) {
            sink.unreadable(stamp.relative(), "cannot read file: " + e.getMessage());
          }
        }
      }

      @Override
      public void close() {}
    };
  }

  private record FileStamp(Path file, String relative, long size) {}
}
