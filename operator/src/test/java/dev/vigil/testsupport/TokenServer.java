package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal token service for the distribution registry's "token" auth: GET /token with
 * HTTP Basic credentials and {@code service} and {@code scope} query parameters answers with
 * an RS256 JWT whose header carries the signing certificate ({@code x5c}), which the registry
 * verifies against its {@code rootcertbundle}. Known users get every action they ask for;
 * requests without credentials get a token granting nothing; wrong credentials get 401.
 */
public final class TokenServer implements AutoCloseable {

  public static final String ISSUER = "vigil-test-token-issuer";
  public static final String SERVICE = "vigil-test-registry";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final TestKeys keys;
  private final Map<String, String> users;
  private final long expiresInSeconds;
  private final HttpServer server;
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final List<String> requestedScopes = new ArrayList<>();

  /**
   * @param users username → password accepted at the token endpoint
   * @param expiresInSeconds lifetime of issued tokens
   */
  public TokenServer(Map<String, String> users, long expiresInSeconds) throws IOException {
    this.keys = TestKeys.generate("vigil test token signer");
    this.users = new ConcurrentHashMap<>(users);
    this.expiresInSeconds = expiresInSeconds;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/token", this::handle);
    server.start();
  }

  /** The realm URL to configure in the registry. */
  public URI realm() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  /** The certificate the registry must trust, PEM. */
  public String certificatePem() {
    return keys.certificatePem();
  }

  /** How many tokens were issued over HTTP (minted ones not counted). */
  public int tokensIssued() {
    return tokensIssued.get();
  }

  /** The scope parameters of all token requests so far, in order ("" when none). */
  public synchronized List<String> requestedScopes() {
    return List.copyOf(requestedScopes);
  }

  /** A token for a user with the given scopes, without an HTTP round trip (for pushing). */
  public String mint(String subject, List<String> scopes) {
    return sign(subject, scopes, Clock.systemUTC().instant());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      Map<String, List<String>> query = parseQuery(exchange.getRequestURI().getRawQuery());
      List<String> scopes = new ArrayList<>();
      for (String scope : query.getOrDefault("scope", List.of())) {
        for (String part : scope.split(" ")) {
          if (!part.isEmpty()) {
            scopes.add(part);
          }
        }
      }
      synchronized (this) {
        requestedScopes.add(String.join(" ", scopes));
      }
      String subject = "";
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        subject = authenticate(authorization);
        if (subject == null) {
          byte[] body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}"
              .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(401, body.length);
          exchange.getResponseBody().write(body);
          return;
        }
      }
      Instant now = Clock.systemUTC().instant();
      String token = sign(subject, subject.isEmpty() ? List.of() : scopes, now);
      tokensIssued.incrementAndGet();
      ObjectNode response = JSON.createObjectNode();
      response.put("token", token);
      response.put("access_token", token);
      response.put("expires_in", expiresInSeconds);
      response.put("issued_at", now.toString());
      byte[] body = JSON.writeValueAsBytes(response);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }

  /** The user name for valid Basic credentials, null for invalid ones. */
  private String authenticate(String authorization) {
    if (!authorization.startsWith("Basic ")) {
      return null;
    }
    String pair;
    try {
      pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = pair.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String user = pair.substring(0, colon);
    String password = pair.substring(colon + 1);
    return password.equals(users.get(user)) ? user : null;
  }

  private static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> params = new java.util.HashMap<>();
    if (rawQuery == null) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private String sign(String subject, List<String> scopes, Instant now) {
    try {
      ObjectNode header = JSON.createObjectNode();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      ArrayNode x5c = header.putArray("x5c");
      x5c.add(Base64.getEncoder().encodeToString(keys.certificate().getEncoded()));

      ObjectNode claims = JSON.createObjectNode();
      claims.put("iss", ISSUER);
      claims.put("sub", subject);
      claims.put("aud", SERVICE);
      claims.put("exp", now.getEpochSecond() + expiresInSeconds);
      claims.put("nbf", now.getEpochSecond() - 1);
      claims.put("iat", now.getEpochSecond());
      claims.put("jti", UUID.randomUUID().toString());
      ArrayNode access = claims.putArray("access");
      for (String scope : scopes) {
        // type:name:actions, where the name may itself contain ':' (host:port never appears here)
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first < 0 || last == first) {
          continue;
        }
        ObjectNode entry = access.addObject();
        entry.put("type", scope.substring(0, first));
        entry.put("name", scope.substring(first + 1, last));
        ArrayNode actions = entry.putArray("actions");
        for (String action : scope.substring(last + 1).split(",")) {
          actions.add(action);
        }
      }
      String signingInput =
          B64URL.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(keys.keyPair().getPrivate());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot sign test token", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
