package dev.vigil.vulndb.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several sources read as one (e.g. one osv.dev zip per ecosystem). If any part cannot be
 * opened the whole fails: a snapshot silently missing an ecosystem would report its images as
 * clean.
 */
public final class CompositeSource implements VulnDbSource {

  private final List<VulnDbSource> parts;

  public CompositeSource(List<? extends VulnDbSource> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a composite source needs at least one part");
    }
    this.parts = List.copyOf(parts);
  }

  public List<VulnDbSource> parts() {
    return parts;
  }

  @Override
  public String description() {
    return parts.stream().map(VulnDbSource::description).collect(Collectors.joining(" + "));
  }

  @Override
  public OpenedSource open() throws IOException {
    List<OpenedSource> opened = new ArrayList<>(parts.size());
    try {
      for (VulnDbSource part : parts) {
        opened.add(part.open());
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(opened, e);
      throw e;
    }
    StringBuilder versions = new StringBuilder();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < opened.size(); i++) {
      versions.append(parts.get(i).description()).append('=').append(opened.get(i).version()).append('\n');
      warnings.addAll(opened.get(i).warnings());
    }
    String version = Digests.ofText(versions.toString());
    List<String> allWarnings = List.copyOf(warnings);
    return new OpenedSource() {
      @Override
      public String version() {
        return version;
      }

      @Override
      public List<String> warnings() {
        return allWarnings;
      }

      @Override
      public void read(OsvDocumentSink sink) throws IOException {
        for (OpenedSource part : opened) {
          part.read(sink);
        }
      }

      @Override
      public void close() throws IOException {
        IOException first = null;
        for (OpenedSource part : opened) {
          try {
            part.close();
          } catch (IOException e) {
            if (first == null) {
              first = e;
            } else {
              first.addSuppressed(e);
            }
          }
        }
        if (first != null) {
          throw first;
        }
      }
    };
  }

  private static void closeQuietly(List<OpenedSource> opened, Exception cause) {
    for (OpenedSource source : opened) {
      try {
        source.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
