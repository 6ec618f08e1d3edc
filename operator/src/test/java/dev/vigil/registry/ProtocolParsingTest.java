package dev.vigil.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** WWW-Authenticate challenges, Retry-After values and Link headers as registries send them. */
class ProtocolParsingTest {

  @Test
  void parsesDockerHubsBearerChallenge() {
    AuthChallenge challenge =
        AuthChallenge.choose(
                List.of("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull\""))
            .orElseThrow();
    assertEquals(
        new AuthChallenge(
            "bearer",
            Map.of(
                "realm", "https://auth.docker.io/token",
                "service", "registry.docker.io",
                "scope", "repository:library/nginx:pull")),
        challenge);
    assertEquals(
        new AuthChallenge("bearer", Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io")),
        challenge.withoutRequestDetails());
  }

  @Test
  void prefersBearerAmongSeveralChallengesAndHandlesEscapesAndBareValues() {
    List<AuthChallenge> all =
        AuthChallenge.parse("Basic realm=\"a \\\"quoted\\\" realm\", Bearer realm=https://r.example/token, error=insufficient_scope");
    assertEquals(2, all.size());
    assertEquals("a \"quoted\" realm", all.get(0).parameter("realm"));
    assertEquals("https://r.example/token", all.get(1).parameter("realm"));
    assertEquals("insufficient_scope", all.get(1).parameter("error"));
    assertEquals(
        "bearer",
        AuthChallenge.choose(List.of("Basic realm=\"x\"", "Bearer realm=\"https://y/t\"")).orElseThrow().scheme());
    assertEquals("basic", AuthChallenge.choose(List.of("BASIC realm=\"registry\"")).orElseThrow().scheme());
    assertEquals(Optional.empty(), AuthChallenge.choose(List.of("Negotiate")));
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse("120", now));
    assertEquals(Optional.of(Duration.ofSeconds(30)), RetryAfter.parse("Sun, 01 Mar 2026 10:00:30 GMT", now));
    assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sun, 01 Mar 2026 09:00:00 GMT", now));
    assertEquals(Optional.empty(), RetryAfter.parse("soon", now));
    assertEquals(Optional.empty(), RetryAfter.parse(null, now));
  }

  @Test
  void linkHeaderYieldsTheNextTarget() {
    assertEquals(
        "/v2/app/tags/list?last=c&n=3",
        LinkHeader.next(List.of("</v2/app/tags/list?last=c&n=3>; rel=\"next\"")));
    assertEquals(
        "https://r.example/next",
        LinkHeader.next(List.of("<https://r.example/prev>; rel=\"prev\", <https://r.example/next>; rel=next")));
    assertNull(LinkHeader.next(List.of("<https://r.example/prev>; rel=\"prev\"")));
    assertNull(LinkHeader.next(List.of()));
  }
}
