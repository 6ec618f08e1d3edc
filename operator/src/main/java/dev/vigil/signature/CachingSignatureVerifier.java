package dev.vigil.signature;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.charset.StandardCharsets;

/**
 * Remembers results per (repository, digest, authorities) for a time-to-live, and lets
 * concurrent checks of the same key share one verification (single flight). The repository
 * is part of the key because signatures are attached per repository: the same digest may be
 * signed in one repository and not in another. Error results are never cached: they describe
 * a passing outage, not the image.
 */
public final class CachingSignatureVerifier implements SignatureVerifier {

  private final SignatureVerifier delegate;
  private final Duration ttl;
  private final Clock clock;
  private final Map<Key, Cached> cache;
  private final ConcurrentHashMap<Key, CompletableFuture<SignatureResult>> inFlight =
      new ConcurrentHashMap<>();

  public CachingSignatureVerifier(
      SignatureVerifier delegate, Duration ttl, int maxEntries, Clock clock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("cache TTL must be positive");
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("cache must hold at least one entry");
    }
    this.delegate = delegate;
    this.ttl = ttl;
    this.clock = clock;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
            return size() > maxEntries;
          }
        };
  }

  @Override
  public SignatureResult verify(String repository, String digest, List<Authority> authorities) {
    Key key = new Key(repository, digest, authoritiesHash(authorities));
    SignatureResult cached = lookup(key);
    if (cached != null) {
      return cached;
    }
    CompletableFuture<SignatureResult> mine = new CompletableFuture<>();
    CompletableFuture<SignatureResult> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      // A flight that finished between the lookup and putIfAbsent has filled the cache.
      SignatureResult result = lookup(key);
      if (result == null) {
        result = delegate.verify(repository, digest, authorities);
        if (result.status() != SignatureStatus.Error) {
          synchronized (cache) {
            cache.put(key, new Cached(result, clock.instant().plus(ttl)));
          }
        }
      }
      mine.complete(result);
      return result;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /** Drops every cached result, e.g. after a policy's authorities or trust roots changed. */
  public void invalidateAll() {
    synchronized (cache) {
      cache.clear();
    }
  }

  private SignatureResult lookup(Key key) {
    synchronized (cache) {
      Cached cached = cache.get(key);
      if (cached == null) {
        return null;
      }
      if (!clock.instant().isBefore(cached.expires())) {
        cache.remove(key);
        return null;
      }
      return cached.result();
    }
  }

  static String authoritiesHash(List<Authority> authorities) {
    StringBuilder all = new StringBuilder();
    for (Authority authority : authorities == null ? List.<Authority>of() : authorities) {
      all.append(authority.fingerprint()).append('\n');
    }
    return HexFormat.of()
        .formatHex(PublicKeys.sha256(all.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private record Key(String repository, String digest, String authorities) {}

  private record Cached(SignatureResult result, Instant expires) {}
}
