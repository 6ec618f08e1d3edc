package dev.vigil.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;

/** Reading response bodies within limits, and turning error bodies into short messages. */
final class ResponseBodies {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ERROR_BODY_LIMIT = 4096;

  private ResponseBodies() {}

  /**
   * The whole body, failing as TOO_LARGE beyond {@code maxBytes} (checked against Content-Length
   * first, then while reading) and as UNAVAILABLE when it takes longer than {@code timeout}.
   */
  static byte[] readBounded(HttpExecutor.Response response, long maxBytes, Duration timeout, String what)
      throws RegistryException {
    HttpExecutor.Call call = response.call();
    try (response) {
      OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
      if (declared.isPresent() && declared.getAsLong() > maxBytes) {
        throw call.failure(
            RegistryException.Kind.TOO_LARGE,
            what + " of " + declared.getAsLong() + " bytes exceeds the limit of " + maxBytes + " bytes",
            response.status());
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16384];
      long total = 0;
      while (true) {
        int n;
        try {
          n = response.body().read(buffer);
        } catch (IOException e) {
          throw call.failure(
              RegistryException.Kind.UNAVAILABLE,
              "reading " + what + " failed after " + total + " bytes: " + e.getMessage(),
              response.status(),
              e);
        }
        if (n < 0) {
          break;
        }
        total += n;
        if (total > maxBytes) {
          throw call.failure(
              RegistryException.Kind.TOO_LARGE,
              what + " exceeds the limit of " + maxBytes + " bytes",
              response.status());
        }
        out.write(buffer, 0, n);
        if (System.nanoTime() > deadline) {
          throw call.failure(
              RegistryException.Kind.UNAVAILABLE,
              "reading " + what + " took longer than " + timeout.toSeconds() + " s",
              response.status());
        }
      }
      if (declared.isPresent() && declared.getAsLong() != total) {
        throw call.failure(
            RegistryException.Kind.UNAVAILABLE,
            what + " ended after " + total + " of " + declared.getAsLong() + " announced bytes",
            response.status());
      }
      return out.toByteArray();
    }
  }

  /**
   * ": CODE message" from a distribution error body ({@code {"errors":[{"code","message"}]}}),
   * or ": <start of the text>", or "" when there is nothing useful. Closes the response.
   */
  static String errorDetail(HttpExecutor.Response response) {
    try (response) {
      byte[] body = response.body().readNBytes(ERROR_BODY_LIMIT);
      if (body.length == 0) {
        return "";
      }
      try {
        JsonNode errors = JSON.readTree(body).path("errors");
        if (errors.isArray() && errors.size() > 0) {
          JsonNode first = errors.get(0);
          String code = first.path("code").asText("");
          String message = first.path("message").asText("");
          String detail = (code + " " + message).trim();
          if (!detail.isEmpty()) {
            return ": " + printable(detail);
          }
        }
      } catch (IOException notJson) {
        // fall through to the text
      }
      return ": " + printable(new String(body, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return "";
    }
  }

  /** At most 200 characters, control characters replaced, for safe inclusion in messages. */
  static String printable(String text) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < text.length() && s.length() < 200; i++) {
      char c = text.charAt(i);
      s.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (text.length() > 200) {
      s.append("...");
    }
    return s.toString();
  }
}
