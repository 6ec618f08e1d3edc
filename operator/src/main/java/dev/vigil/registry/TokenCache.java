package dev.vigil.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by (realm, service, scope, credential), kept until shortly before they expire.
 * Bounded: expired entries are swept whenever the cache grows past its limit.
 */
final class TokenCache {

  private static final int SWEEP_THRESHOLD = 1024;
  private static final Duration MAX_SAFETY_MARGIN = Duration.ofSeconds(5);

  /** What a token was issued for. Credential is null for anonymous tokens. */
  record Key(String realm, String service, String scope, Credential credential) {}

  /** A token and when it stops being usable. */
  record Token(String value, Instant expiresAt) {}

  private final Clock clock;
  private final Map<Key, Token> tokens = new ConcurrentHashMap<>();

  TokenCache(Clock clock) {
    this.clock = clock;
  }

  /** A cached token that is still valid, or null. */
  Token get(Key key) {
    Token token = tokens.get(key);
    if (token == null) {
      return null;
    }
    if (!clock.instant().isBefore(token.expiresAt())) {
      tokens.remove(key, token);
      return null;
    }
    return token;
  }

  /**
   * Remembers a token issued at {@code issuedAt} for {@code lifetime}, minus a small margin so a
   * token is not used in the instant it expires.
   */
  Token put(Key key, String value, Instant issuedAt, Duration lifetime) {
    Duration margin = lifetime.dividedBy(10);
    if (margin.compareTo(MAX_SAFETY_MARGIN) > 0) {
      margin = MAX_SAFETY_MARGIN;
    }
    Token token = new Token(Objects.requireNonNull(value), issuedAt.plus(lifetime).minus(margin));
    if (tokens.size() >= SWEEP_THRESHOLD) {
      Instant now = clock.instant();
      tokens.values().removeIf(t -> !now.isBefore(t.expiresAt()));
      if (tokens.size() >= SWEEP_THRESHOLD) {
        tokens.clear();
      }
    }
    tokens.put(key, token);
    return token;
  }

  /** Forgets a token the registry refused. */
  void invalidate(Key key, Token token) {
    tokens.remove(key, token);
  }
}
