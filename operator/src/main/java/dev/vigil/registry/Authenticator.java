package dev.vigil.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends requests with the right Authorization: remembers each registry's challenge, answers
 * Bearer challenges with tokens from the realm (Basic credentials there, tokens cached per
 * scope and credential) and Basic challenges with the credentials themselves, and tries the
 * matching credentials in order until one is accepted.
 */
final class Authenticator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TOKEN_RESPONSE_BYTES = 1 << 20;
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

  private final HttpExecutor executor;
  private final RegistryClientConfig config;
  private final TokenCache tokens;
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Credential> lastAccepted = new ConcurrentHashMap<>();

  Authenticator(HttpExecutor executor, RegistryClientConfig config) {
    this.executor = executor;
    this.config = config;
    this.tokens = new TokenCache(config.clock());
  }

  /** How a request was authorised, so a refusal can invalidate a cached token. */
  private record Authorization(String header, TokenCache.Key tokenKey, TokenCache.Token token, boolean fresh) {
    static final Authorization NONE = new Authorization(null, null, null, true);
  }

  /**
   * Sends a request, authenticating as needed.
   *
   * @param call the request without Authorization
   * @param scope token scope ("repository:team/app:pull"), null for registry-wide requests
   * @param credentials candidates in order; empty means anonymous only
   * @return the first response that is not 401/403
   */
  HttpExecutor.Response send(HttpExecutor.Call call, String scope, List<Credential> credentials)
      throws RegistryException {
    List<Credential> candidates = new ArrayList<>();
    if (credentials.isEmpty()) {
      candidates.add(null);
    } else {
      Credential preferred = lastAccepted.get(call.registry() + " " + scope);
      if (preferred != null && credentials.contains(preferred)) {
        candidates.add(preferred);
      }
      for (Credential c : credentials) {
        if (!candidates.contains(c)) {
          candidates.add(c);
        }
      }
    }
    int lastStatus = -1;
    List<String> refusals = new ArrayList<>();
    for (Credential credential : candidates) {
      String who = credential == null ? "anonymous" : "user \"" + credential.username() + "\"";
      AuthChallenge known = challenges.get(call.registry());
      Authorization auth = Authorization.NONE;
      if (known != null) {
        auth = authorize(call, known, scope, credential, false);
        if (auth == null) {
          refusals.add(who + " refused by the token service");
          continue;
        }
      }
      HttpExecutor.Response response = executor.send(call.withHeader("Authorization", auth.header()));
      if (response.status() != 401 && response.status() != 403) {
        remember(call, scope, credential);
        return response;
      }
      lastStatus = response.status();
      AuthChallenge challenge =
          AuthChallenge.choose(response.headers().allValues("WWW-Authenticate")).orElse(null);
      response.close();
      if (response.status() == 401 && challenge == null) {
        throw call.failure(
            RegistryException.Kind.UNAUTHORIZED,
            "401 without a Bearer or Basic WWW-Authenticate challenge", 401);
      }
      boolean retry = false;
      if (challenge != null) {
        AuthChallenge general = challenge.withoutRequestDetails();
        if (!general.equals(known)) {
          challenges.put(call.registry(), general);
          retry = true;
        } else if (auth.token() != null && !auth.fresh()) {
          // A cached token was refused (revoked or expired early): get a new one once.
          tokens.invalidate(auth.tokenKey(), auth.token());
          retry = true;
        }
      }
      if (retry) {
        Authorization again = authorize(call, challenges.get(call.registry()), scope, credential, true);
        if (again == null) {
          refusals.add(who + " refused by the token service");
          continue;
        }
        if (again.header() != null || auth.header() != null) {
          response = executor.send(call.withHeader("Authorization", again.header()));
          if (response.status() != 401 && response.status() != 403) {
            remember(call, scope, credential);
            return response;
          }
          lastStatus = response.status();
          response.close();
          if (again.token() != null) {
            tokens.invalidate(again.tokenKey(), again.token());
          }
        }
      }
      refusals.add(who + " refused with HTTP " + lastStatus);
    }
    throw call.failure(
        RegistryException.Kind.UNAUTHORIZED,
        "no credential was accepted (" + String.join("; ", refusals) + ")",
        lastStatus);
  }

  private void remember(HttpExecutor.Call call, String scope, Credential credential) {
    if (credential != null) {
      lastAccepted.put(call.registry() + " " + scope, credential);
    }
  }

  /**
   * The Authorization for a challenge, or null when the token service refused the credential.
   */
  private Authorization authorize(
      HttpExecutor.Call call, AuthChallenge challenge, String scope, Credential credential, boolean forceFresh)
      throws RegistryException {
    if (challenge.isBasic()) {
      return credential == null
          ? Authorization.NONE
          : new Authorization(credential.basicAuthorization(), null, null, true);
    }
    String realm = challenge.parameter("realm");
    String service = challenge.parameter("service");
    String effectiveScope = scope != null ? scope : challenge.parameter("scope");
    TokenCache.Key key = new TokenCache.Key(realm, service, effectiveScope, credential);
    if (!forceFresh) {
      TokenCache.Token cached = tokens.get(key);
      if (cached != null) {
        return new Authorization("Bearer " + cached.value(), key, cached, false);
      }
    }
    TokenCache.Token token = fetchToken(call, realm, service, effectiveScope, credential, key);
    return token == null ? null : new Authorization("Bearer " + token.value(), key, token, true);
  }

  private TokenCache.Token fetchToken(
      HttpExecutor.Call call,
      String realm,
      String service,
      String scope,
      Credential credential,
      TokenCache.Key key)
      throws RegistryException {
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw call.failure(RegistryException.Kind.MALFORMED, "token realm \"" + realm + "\" is not a URL", -1, e);
    }
    String scheme = realmUri.getScheme() == null ? "" : realmUri.getScheme();
    if (!scheme.equals("https") && !scheme.equals("http") || realmUri.getHost() == null) {
      throw call.failure(
          RegistryException.Kind.MALFORMED, "token realm \"" + realm + "\" is not an absolute HTTP(S) URL", -1);
    }
    if (scheme.equals("http") && credential != null
        && !config.usesPlainHttp(HttpExecutor.authority(realmUri))) {
      throw call.failure(
          RegistryException.Kind.FAILED,
          "refusing to send credentials to plain-HTTP token realm " + realm, -1);
    }
    StringBuilder query = new StringBuilder();
    if (service != null) {
      query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
    }
    if (scope != null && !scope.isEmpty()) {
      if (query.length() > 0) {
        query.append('&');
      }
      query.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }
    String base = realm;
    if (query.length() > 0) {
      base += (realmUri.getRawQuery() == null ? "?" : "&") + query;
    }
    HttpExecutor.Call tokenCall =
        new HttpExecutor.Call(
            call.registry(), call.repository(), "fetch token for " + call.operation(), "GET",
            URI.create(base), credential == null
                ? Map.of("Accept", "application/json")
                : Map.of("Accept", "application/json", "Authorization", credential.basicAuthorization()));
    Instant requestedAt = config.clock().instant();
    try (HttpExecutor.Response response = executor.send(tokenCall)) {
      if (response.status() == 401 || response.status() == 403) {
        return null;
      }
      if (response.status() != 200) {
        throw tokenCall.failure(
            response.status() == 404 ? RegistryException.Kind.NOT_FOUND : RegistryException.Kind.FAILED,
            "token service answered " + response.status() + ResponseBodies.errorDetail(response),
            response.status());
      }
      byte[] body = ResponseBodies.readBounded(response, MAX_TOKEN_RESPONSE_BYTES, config.requestTimeout(), "token response");
      JsonNode json;
      try {
        json = JSON.readTree(body);
      } catch (IOException e) {
        throw tokenCall.failure(RegistryException.Kind.MALFORMED, "token response is not JSON", 200, e);
      }
      if (json == null || !json.isObject()) {
        throw tokenCall.failure(RegistryException.Kind.MALFORMED, "token response is not a JSON object", 200);
      }
      String token = text(json, "token");
      if (token == null || token.isEmpty()) {
        token = text(json, "access_token");
      }
      if (token == null || token.isEmpty()) {
        throw tokenCall.failure(
            RegistryException.Kind.MALFORMED, "token response has neither \"token\" nor \"access_token\"", 200);
      }
      Duration lifetime = DEFAULT_TOKEN_LIFETIME;
      JsonNode expiresIn = json.get("expires_in");
      if (expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0) {
        lifetime = Duration.ofSeconds(expiresIn.asLong());
      }
      Instant issuedAt = requestedAt;
      String issued = text(json, "issued_at");
      if (issued != null) {
        try {
          issuedAt = OffsetDateTime.parse(issued).toInstant();
        } catch (DateTimeParseException ignored) {
          // Unparseable issue time: count from when we asked, the conservative choice.
        }
      }
      // A token dated in the future (clock skew) must not live longer than asked.
      if (issuedAt.isAfter(requestedAt)) {
        issuedAt = requestedAt;
      }
      return tokens.put(key, token, issuedAt, lifetime);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() ? null : value.asText();
  }
}
