package dev.vigil.vulndb.source;

import dev.vigil.registry.NetworkErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A zip of OSV records served over HTTP(S), such as osv.dev's
 * {@code <bucket>/<Ecosystem>/all.zip}, kept in a cache directory of its own. Each open sends a
 * conditional GET (If-None-Match with the cached ETag, If-Modified-Since with the cached
 * Last-Modified); a 304 reuses the cached copy without downloading. A 200 is streamed to a
 * temporary file in the cache directory, checked to be a zip archive within the size cap, and
 * only then renamed over the cached copy, so a failed or hostile download never replaces a good
 * copy. When the server cannot be reached and a cached copy exists, that copy is used and the
 * failure is reported as a warning.
 */
public final class HttpZipSource implements VulnDbSource {

  public static final long DEFAULT_MAX_BYTES = 2L * 1024 * 1024 * 1024;
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_DOWNLOAD_DEADLINE = Duration.ofMinutes(15);

  private static final String CONTENT = "content.zip";
  private static final String METADATA = "content.properties";

  private final URI url;
  private final Path cacheDir;
  private final HttpClient client;
  private final Duration responseTimeout;
  private final Duration downloadDeadline;
  private final long maxBytes;
  private final Clock clock;

  public HttpZipSource(URI url, Path cacheDir, HttpClient client) {
    this(
        url,
        cacheDir,
        client,
        DEFAULT_RESPONSE_TIMEOUT,
        DEFAULT_DOWNLOAD_DEADLINE,
        DEFAULT_MAX_BYTES,
        Clock.systemUTC());
  }

  public HttpZipSource(
      URI url,
      Path cacheDir,
      HttpClient client,
      Duration responseTimeout,
      Duration downloadDeadline,
      long maxBytes,
      Clock clock) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("OSV URL must be http or https: " + url);
    }
    this.url = url;
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.client = client;
    this.responseTimeout = responseTimeout;
    this.downloadDeadline = downloadDeadline;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  @Override
  public String description() {
    return url.toString();
  }

  /** The cached copy, whether or not it exists yet. */
  public Path cachedFile() {
    return cacheDir.resolve(CONTENT);
  }

  @Override
  public OpenedSource open() throws IOException {
    Files.createDirectories(cacheDir);
    CacheEntry cached = readCache();
    try {
      return fetch(cached);
    } catch (IOException e) {
      if (cached == null) {
        throw new IOException("cannot fetch " + url + ": " + e.getMessage(), e);
      }
      return opened(
          cached,
          List.of(
              "refresh of "
                  + url
                  + " failed ("
                  + e.getMessage()
                  + "); using the copy fetched at "
                  + cached.fetchedAt()));
    }
  }

  private OpenedSource fetch(CacheEntry cached) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url).GET().timeout(responseTimeout).header("Accept", "application/zip");
    if (cached != null && cached.etag() != null) {
      request.header("If-None-Match", cached.etag());
    }
    if (cached != null && cached.lastModified() != null) {
      request.header("If-Modified-Since", cached.lastModified());
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(NetworkErrors.describe(e, url), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching " + url);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 304 && cached != null) {
        return opened(cached, List.of());
      }
      if (status != 200) {
        throw new IOException("HTTP status " + status);
      }
      CacheEntry fresh =
          download(
              body,
              response.headers().firstValue("ETag").orElse(null),
              response.headers().firstValue("Last-Modified").orElse(null));
      return opened(fresh, List.of());
    }
  }

  private CacheEntry download(InputStream body, String etag, String lastModified)
      throws IOException {
    Path temp = Files.createTempFile(cacheDir, "download-", ".part");
    try {
      MessageDigest digest = Digests.sha256();
      long size = copyWithinLimits(body, temp, digest);
      ZipRecordReader.verifyArchive(temp);
      moveIntoPlace(temp, cacheDir.resolve(CONTENT));
      CacheEntry entry =
          new CacheEntry(
              etag,
              lastModified,
              "sha256:" + HexFormat.of().formatHex(digest.digest()),
              size,
              clock.instant());
      writeMetadata(entry);
      return entry;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Copies the body, aborting past the size cap or the download deadline. */
  private long copyWithinLimits(InputStream body, Path target, MessageDigest digest)
      throws IOException {
    AtomicBoolean finished = new AtomicBoolean();
    AtomicBoolean timedOut = new AtomicBoolean();
    // The JDK client has no read timeout for a streamed body: closing the stream from a timer
    // is what unblocks a read on a server that stalls mid-body.
    CompletableFuture.runAsync(
        () -> {
          if (!finished.get()) {
            timedOut.set(true);
            try {
              body.close();
            } catch (IOException ignored) {
              // Closing is only the means to abort the read; its failure changes nothing.
            }
          }
        },
        CompletableFuture.delayedExecutor(downloadDeadline.toMillis(), TimeUnit.MILLISECONDS));
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(target)) {
      int n;
      while ((n = read(body, buffer)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw new IOException("response larger than " + maxBytes + " bytes");
        }
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      if (timedOut.get()) {
        throw new IOException("download took longer than " + downloadDeadline, e);
      }
      throw e;
    } finally {
      finished.set(true);
    }
    return total;
  }

  /** A read of the body whose network failure says which host it came from and why. */
  private int read(InputStream body, byte[] buffer) throws IOException {
    try {
      return body.read(buffer);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException("reading the download failed: " + NetworkErrors.describe(e, url), e);
    }
  }

  private CacheEntry readCache() {
    Path content = cacheDir.resolve(CONTENT);
    Path metadata = cacheDir.resolve(METADATA);
    if (!Files.isRegularFile(content) || !Files.isRegularFile(metadata)) {
      return null;
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(metadata, StandardCharsets.UTF_8)) {
      properties.load(reader);
      long size = Long.parseLong(properties.getProperty("size", "-1"));
      // A crash between renaming the content and writing its metadata leaves them disagreeing;
      // the size check notices, and the copy is then fetched again unconditionally.
      if (size != Files.size(content) || !url.toString().equals(properties.getProperty("url"))) {
        return null;
      }
      return new CacheEntry(
          properties.getProperty("etag"),
          properties.getProperty("lastModified"),
          properties.getProperty("sha256"),
          size,
          Instant.parse(properties.getProperty("fetchedAt")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void writeMetadata(CacheEntry entry) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("url", url.toString());
    if (entry.etag() != null) {
      properties.setProperty("etag", entry.etag());
    }
    if (entry.lastModified() != null) {
      properties.setProperty("lastModified", entry.lastModified());
    }
    properties.setProperty("sha256", entry.sha256());
    properties.setProperty("size", Long.toString(entry.size()));
    properties.setProperty("fetchedAt", entry.fetchedAt().toString());
    Path temp = Files.createTempFile(cacheDir, "metadata-", ".part");
    try {
      try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        properties.store(writer, "Vigil OSV cache metadata");
      }
      moveIntoPlace(temp, cacheDir.resolve(METADATA));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private OpenedSource opened(CacheEntry entry, List<String> warnings) {
    String version = entry.etag() != null ? "etag:" + entry.etag() : entry.sha256();
    return new CachedZip(cacheDir.resolve(CONTENT), url.toString(), version, warnings);
  }

  private record CacheEntry(
      String etag, String lastModified, String sha256, long size, Instant fetchedAt) {}
}
