package dev.vigil.webhook;

import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a sender proves it knows the shared secret. Each format uses what its registry can send; a
 * request offering the proof twice (two Authorization headers, two tokens) is refused as ambiguous.
 */
enum SenderAuthentication {

  /** GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}. */
  HMAC_SIGNATURE {
    @Override
    boolean verify(WebhookSecret secret, Headers headers, String rawQuery, byte[] body) {
      String signature = single(headers, "X-Hub-Signature-256");
      String prefix = "sha256=";
      return signature != null
          && signature.startsWith(prefix)
          && secret.signs(body, signature.substring(prefix.length()));
    }
  },

  /** Harbor: {@code Authorization: <secret>}, the value of Harbor's "Auth Header" field. */
  AUTHORIZATION_VALUE {
    @Override
    boolean verify(WebhookSecret secret, Headers headers, String rawQuery, byte[] body) {
      return secret.matches(headerBytes(single(headers, "Authorization")));
    }
  },

  /**
   * Distribution and ACR (static headers in the endpoint config): {@code Authorization: Bearer
   * <secret>}.
   */
  AUTHORIZATION_BEARER {
    @Override
    boolean verify(WebhookSecret secret, Headers headers, String rawQuery, byte[] body) {
      String value = single(headers, "Authorization");
      String scheme = "bearer ";
      if (value == null
          || value.length() <= scheme.length()
          || !value.substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme)) {
        return false;
      }
      return secret.matches(headerBytes(value.substring(scheme.length())));
    }
  },

  /**
   * Docker Hub and Quay, which cannot sign or add headers: {@code ?token=<secret>} in the URL, or
   * an {@code X-Vigil-Token: <secret>} header from senders that can set one.
   */
  TOKEN {
    @Override
    boolean verify(WebhookSecret secret, Headers headers, String rawQuery, byte[] body) {
      List<String> headerTokens = headers.get("X-Vigil-Token");
      List<String> queryTokens = queryValues(rawQuery, "token");
      int offered = (headerTokens == null ? 0 : headerTokens.size()) + queryTokens.size();
      if (offered != 1) {
        return false;
      }
      return headerTokens != null
          ? secret.matches(headerBytes(headerTokens.get(0)))
          : secret.matches(queryTokens.get(0));
    }
  };

  /** True when the request carries proof of the secret in this way. */
  abstract boolean verify(WebhookSecret secret, Headers headers, String rawQuery, byte[] body);

  private static String single(Headers headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.size() != 1 ? null : values.get(0);
  }

  /** The header's bytes as sent: the JDK server decodes header bytes as ISO-8859-1. */
  private static byte[] headerBytes(String value) {
    return value == null ? null : value.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static List<String> queryValues(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return values;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      // A broken %-escape cannot spell the secret; keep the raw text so it simply mismatches.
      return text;
    }
  }
}
