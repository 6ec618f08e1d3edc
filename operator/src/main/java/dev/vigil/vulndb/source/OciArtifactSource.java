package dev.vigil.vulndb.source;

import dev.vigil.registry.Descriptor;
import dev.vigil.registry.ImageManifest;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.ImageSource;
import dev.vigil.registry.ManifestParser;
import dev.vigil.registry.MediaTypes;
import dev.vigil.registry.RawManifest;
import dev.vigil.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * OSV zips published as an OCI artifact in a registry (for air-gapped clusters that mirror the
 * database next to their images, e.g. pushed with {@code oras push ... all.zip:application/zip}).
 * The artifact's layers with media type {@code application/zip}, or whose
 * {@code org.opencontainers.image.title} ends in ".zip", are the zips. The version token is the
 * manifest digest; layer blobs are cached under the cache directory by digest, so an unchanged
 * artifact costs one manifest request. Blobs are verified against their digests while they
 * stream (by the registry client) and checked to be zip archives before they enter the cache.
 */
public final class OciArtifactSource implements VulnDbSource {

  public static final String ZIP_MEDIA_TYPE = "application/zip";
  private static final String TITLE = "org.opencontainers.image.title";

  private final ImageSource registry;
  private final ImageReference reference;
  private final Path cacheDir;
  private final long maxBlobBytes;

  public OciArtifactSource(ImageSource registry, ImageReference reference, Path cacheDir) {
    this(registry, reference, cacheDir, HttpZipSource.DEFAULT_MAX_BYTES);
  }

  public OciArtifactSource(
      ImageSource registry, ImageReference reference, Path cacheDir, long maxBlobBytes) {
    this.registry = registry;
    this.reference = reference;
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.maxBlobBytes = maxBlobBytes;
  }

  @Override
  public String description() {
    return "oci " + reference.canonical();
  }

  @Override
  public OpenedSource open() throws IOException {
    RawManifest raw = registry.fetchManifest(reference.toRepository(), reference.manifestReference());
    if (!MediaTypes.OCI_MANIFEST.equals(raw.mediaType())
        && !MediaTypes.DOCKER_MANIFEST.equals(raw.mediaType())) {
      throw new IOException(
          description() + " is not an artifact manifest but " + raw.mediaType());
    }
    ImageManifest manifest;
    try {
      manifest = ManifestParser.parseManifest(raw.content(), raw.mediaType());
    } catch (RuntimeException e) {
      throw new IOException("malformed manifest for " + description() + ": " + e.getMessage(), e);
    }
    List<Descriptor> zips = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      String title = layer.annotations().get(TITLE);
      if (ZIP_MEDIA_TYPE.equals(layer.mediaType()) || (title != null && title.endsWith(".zip"))) {
        zips.add(layer);
      }
    }
    if (zips.isEmpty()) {
      throw new IOException(description() + " has no zip layer (media type " + ZIP_MEDIA_TYPE + ")");
    }
    Files.createDirectories(cacheDir);
    List<Path> files = new ArrayList<>(zips.size());
    for (Descriptor zip : zips) {
      files.add(cached(zip));
    }
    removeStale(files);
    String version = raw.digest();
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
      public void read(OsvDocumentSink sink) throws IOException {
        for (int i = 0; i < files.size(); i++) {
          String title = zips.get(i).annotations().getOrDefault(TITLE, zips.get(i).digest());
          ZipRecordReader.read(files.get(i), description() + "!" + title, sink);
        }
      }

      @Override
      public void close() {}
    };
  }

  private Path cached(Descriptor layer) throws IOException {
    if (layer.size() > maxBlobBytes) {
      throw new IOException(
          description() + " layer " + layer.digest() + " is larger than " + maxBlobBytes + " bytes");
    }
    Path target = cacheDir.resolve(fileName(layer.digest()));
    if (Files.isRegularFile(target) && Files.size(target) == layer.size()) {
      return target;
    }
    Path temp = Files.createTempFile(cacheDir, "blob-", ".part");
    try {
      try (InputStream in = registry.openBlob(reference.toRepository(), layer)) {
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      } catch (RegistryException e) {
        throw new IOException("cannot fetch " + layer.digest() + " of " + description() + ": " + e.getMessage(), e);
      }
      ZipRecordReader.verifyArchive(temp);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Zips of earlier artifact versions are not needed any more. */
  private void removeStale(List<Path> current) throws IOException {
    Set<Path> keep = new HashSet<>(current);
    try (Stream<Path> files = Files.list(cacheDir)) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().endsWith(".zip") && !keep.contains(file)) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** "sha256:ab12…" → "sha256-ab12….zip"; digests are validated by the registry client. */
  private static String fileName(String digest) {
    return digest.replaceAll("[^A-Za-z0-9]", "-") + ".zip";
  }
}
