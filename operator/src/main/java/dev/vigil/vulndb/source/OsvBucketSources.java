package dev.vigil.vulndb.source;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The default source: osv.dev's public bucket, one {@code <Ecosystem>/all.zip} per ecosystem
 * that the scanned images actually use, each cached under {@code <dataDir>/osv/<Ecosystem>/}.
 */
public final class OsvBucketSources {

  public static final URI DEFAULT_BUCKET =
      URI.create("https://osv-vulnerabilities.storage.googleapis.com/");

  private OsvBucketSources() {}

  /**
   * A source over the bucket's zips for the given ecosystem names (e.g. "Debian", "Ubuntu",
   * "Alpine", "Red Hat"), sorted so the same set always gives the same source.
   *
   * @param bucket base URL ending in "/"; tests point it at a local server
   */
  public static CompositeSource forEcosystems(
      URI bucket, Collection<String> ecosystems, Path dataDir, HttpClient client) {
    if (ecosystems.isEmpty()) {
      throw new IllegalArgumentException("no ecosystem to fetch");
    }
    String base = bucket.toString().endsWith("/") ? bucket.toString() : bucket + "/";
    List<HttpZipSource> parts =
        new TreeSet<>(ecosystems)
            .stream()
                .map(
                    ecosystem ->
                        new HttpZipSource(
                            URI.create(base + pathSegment(ecosystem) + "/all.zip"),
                            dataDir.resolve("osv").resolve(directoryName(ecosystem)),
                            client))
                .toList();
    return new CompositeSource(parts);
  }

  /** "Rocky Linux" → "Rocky%20Linux" (a path segment, so spaces are %20, never "+"). */
  static String pathSegment(String ecosystem) {
    return URLEncoder.encode(ecosystem, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A file-system-safe directory name for an ecosystem: "Red Hat" → "Red_Hat". */
  static String directoryName(String ecosystem) {
    return ecosystem.replaceAll("[^A-Za-z0-9.-]", "_");
  }
}
