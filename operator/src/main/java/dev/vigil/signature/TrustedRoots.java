package dev.vigil.signature;

import dev.sigstore.tuf.SigstoreTufClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads trusted roots once per distinct source, strictly (see {@link TrustRoot}). Inline roots
 * are parsed once and kept; the public-good root is refreshed through TUF (sigstore-java's TUF
 * client verifies the repository metadata and keeps its own cache, going to the network only
 * when it is stale) and the downloaded {@code trusted_root.json} is then read with the same
 * strict rules as an inline root.
 */
public final class TrustedRoots {

  private static final String TRUSTED_ROOT_TARGET = "trusted_root.json";

  private final Path tufCacheDirectory;
  private final Duration tufCacheValidity;
  private final Map<String, TrustRoot> inline = new ConcurrentHashMap<>();
  private SigstoreTufClient publicGood;
  private byte[] publicGoodJson;
  private TrustRoot publicGoodRoot;

  /**
   * @param tufCacheDirectory where the public-good TUF metadata and targets are cached; null
   *     uses sigstore-java's default ({@code ~/.sigstore-java/root})
   */
  public TrustedRoots(Path tufCacheDirectory, Duration tufCacheValidity) {
    this.tufCacheDirectory =
        tufCacheDirectory != null
            ? tufCacheDirectory
            : Path.of(System.getProperty("user.home"), ".sigstore-java", "root");
    this.tufCacheValidity = tufCacheValidity == null ? Duration.ofDays(1) : tufCacheValidity;
  }

  /** Roots that are only ever given inline; the public-good root uses the default cache. */
  public TrustedRoots() {
    this(null, null);
  }

  /**
   * @throws TrustedRootException when the root cannot be fetched or is malformed; the message
   *     says which field is wrong
   */
  TrustRoot root(TrustedRootSource source) throws TrustedRootException {
    if (source instanceof TrustedRootSource.Json json) {
      TrustRoot loaded = inline.get(json.cacheKey());
      if (loaded == null) {
        loaded = TrustRoot.parse(json.bytes());
        inline.putIfAbsent(json.cacheKey(), loaded);
      }
      return loaded;
    }
    return publicGoodRoot();
  }

  private synchronized TrustRoot publicGoodRoot() throws TrustedRootException {
    byte[] json;
    try {
      if (publicGood == null) {
        publicGood =
            SigstoreTufClient.builder()
                .usePublicGoodInstance()
                .cacheValidity(tufCacheValidity)
                .tufCacheLocation(tufCacheDirectory)
                .build();
      }
      publicGood.update();
      json = Files.readAllBytes(tufCacheDirectory.resolve("targets").resolve(TRUSTED_ROOT_TARGET));
    } catch (IOException e) {
      throw new TrustedRootException(
          "Sigstore public-good trusted root was not found in the TUF cache "
              + tufCacheDirectory + ": " + messageOf(e), e);
    } catch (Exception e) {
      throw new TrustedRootException(
          "Sigstore public-good trusted root could not be fetched through TUF: " + messageOf(e), e);
    }
    if (publicGoodRoot == null || !Arrays.equals(json, publicGoodJson)) {
      try {
        publicGoodRoot = TrustRoot.parse(json);
      } catch (TrustedRootException e) {
        throw new TrustedRootException("Sigstore public-good " + e.getMessage(), e);
      }
      publicGoodJson = json;
    }
    return publicGoodRoot;
  }

  static String messageOf(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
  }
}
