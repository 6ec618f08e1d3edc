package dev.vigil.signature;

import dev.sigstore.KeylessVerifier;
import dev.sigstore.fulcio.client.FulcioVerifier;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.tuf.SigstoreTufClient;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads trusted roots and the sigstore-java verifiers built from them, once per distinct
 * source. Inline roots are parsed once and kept; the public-good root is refreshed through
 * TUF (sigstore-java keeps its own TUF cache and only goes to the network when it is stale).
 */
public final class TrustedRoots {

  private final Path tufCacheDirectory;
  private final Duration tufCacheValidity;
  private final Map<String, Loaded> inline = new ConcurrentHashMap<>();
  private SigstoreTufClient publicGood;

  /**
   * @param tufCacheDirectory where the public-good TUF metadata is cached; null uses
   *     sigstore-java's default (under the user's home)
   */
  public TrustedRoots(Path tufCacheDirectory, Duration tufCacheValidity) {
    this.tufCacheDirectory = tufCacheDirectory;
    this.tufCacheValidity = tufCacheValidity == null ? Duration.ofDays(1) : tufCacheValidity;
  }

  /** Roots that are only ever given inline; the public-good root uses the default cache. */
  public TrustedRoots() {
    this(null, null);
  }

  SigstoreTrustedRoot root(TrustedRootSource source) throws TrustedRootException {
    return load(source).root();
  }

  KeylessVerifier keylessVerifier(TrustedRootSource source) throws TrustedRootException {
    return load(source).keylessVerifier();
  }

  FulcioVerifier fulcioVerifier(TrustedRootSource source) throws TrustedRootException {
    return load(source).fulcioVerifier();
  }

  private Loaded load(TrustedRootSource source) throws TrustedRootException {
    if (source instanceof TrustedRootSource.Json json) {
      Loaded loaded = inline.get(json.cacheKey());
      if (loaded == null) {
        loaded = build(parse(json), json.toString());
        inline.putIfAbsent(json.cacheKey(), loaded);
      }
      return loaded;
    }
    return build(publicGoodRoot(), source.toString());
  }

  private static SigstoreTrustedRoot parse(TrustedRootSource.Json json)
      throws TrustedRootException {
    try {
      return SigstoreTrustedRoot.from(new ByteArrayInputStream(json.bytes()));
    } catch (Exception e) {
      throw new TrustedRootException(
          "trusted root could not be parsed: " + messageOf(e), e);
    }
  }

  private synchronized SigstoreTrustedRoot publicGoodRoot() throws TrustedRootException {
    try {
      if (publicGood == null) {
        var builder = SigstoreTufClient.builder().usePublicGoodInstance().cacheValidity(tufCacheValidity);
        if (tufCacheDirectory != null) {
          builder.tufCacheLocation(tufCacheDirectory);
        }
        publicGood = builder.build();
      }
      publicGood.update();
      return publicGood.getSigstoreTrustedRoot();
    } catch (Exception e) {
      throw new TrustedRootException(
          "Sigstore public-good trusted root could not be fetched through TUF: " + messageOf(e), e);
    }
  }

  private static Loaded build(SigstoreTrustedRoot root, String description)
      throws TrustedRootException {
    try {
      FulcioVerifier fulcio =
          root.getCAs().isEmpty() ? null : FulcioVerifier.newFulcioVerifier(root);
      KeylessVerifier keyless =
          root.getCAs().isEmpty()
              ? null
              : KeylessVerifier.builder().trustedRootProvider(() -> root).build();
      return new Loaded(root, fulcio, keyless, description);
    } catch (Exception e) {
      throw new TrustedRootException(
          description + " holds unusable keys or certificates: " + messageOf(e), e);
    }
  }

  static String messageOf(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
  }

  private record Loaded(
      SigstoreTrustedRoot root,
      FulcioVerifier fulcio,
      KeylessVerifier keyless,
      String description) {

    FulcioVerifier fulcioVerifier() throws TrustedRootException {
      if (fulcio == null) {
        throw new TrustedRootException(description + " lists no Fulcio certificate authority", null);
      }
      return fulcio;
    }

    KeylessVerifier keylessVerifier() throws TrustedRootException {
      if (keyless == null) {
        throw new TrustedRootException(description + " lists no Fulcio certificate authority", null);
      }
      return keyless;
    }
  }
}
