package dev.vigil.signature;

import dev.vigil.testsupport.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingSignatureVerifierTest {

  private static final String REPO = "registry.vigil.test/web";
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemorySignatureStore store = new InMemorySignatureStore();
  private final ImageSignatureVerifier real =
      new ImageSignatureVerifier(store, new TrustedRoots(), clock);
  private final KeyAuthority authority =
      new KeyAuthority("k", TestSigstore.pem(TestSigstore.ecKey().getPublic()), false, null);

  @Test
  void resultIsReusedWithinTheTtlAndRecomputedAfter() {
    CachingSignatureVerifier caching = new CachingSignatureVerifier(real, Duration.ofMinutes(10), 100, clock);
    SignatureResult first = caching.verify(REPO, DIGEST, List.of(authority));
    assertEquals(SignatureStatus.Unsigned, first.status());
    clock.advance(Duration.ofMinutes(9));
    assertSame(first, caching.verify(REPO, DIGEST, List.of(authority)));
    assertEquals(1, store.fetches.get());
    clock.advance(Duration.ofMinutes(1));
    caching.verify(REPO, DIGEST, List.of(authority));
    assertEquals(2, store.fetches.get());
  }

  @Test
  void otherAuthoritiesOrRepositoriesAreSeparateEntries() {
    CachingSignatureVerifier caching = new CachingSignatureVerifier(real, Duration.ofMinutes(10), 100, clock);
    KeyAuthority other = new KeyAuthority("k", TestSigstore.pem(TestSigstore.ecKey().getPublic()), false, null);
    caching.verify(REPO, DIGEST, List.of(authority));
    caching.verify(REPO, DIGEST, List.of(other));
    caching.verify(REPO + "-mirror", DIGEST, List.of(authority));
    caching.verify(REPO, DIGEST, List.of(authority));
    assertEquals(3, store.fetches.get());
  }

  @Test
  void errorsAreNotCached() {
    CachingSignatureVerifier caching = new CachingSignatureVerifier(real, Duration.ofMinutes(10), 100, clock);
    store.failure = "connection refused";
    assertEquals(SignatureStatus.Error, caching.verify(REPO, DIGEST, List.of(authority)).status());
    store.failure = null;
    assertEquals(SignatureStatus.Unsigned, caching.verify(REPO, DIGEST, List.of(authority)).status());
    assertEquals(2, store.fetches.get());
  }

  @Test
  void leastRecentlyUsedEntryIsEvictedBeyondTheBound() {
    CachingSignatureVerifier caching = new CachingSignatureVerifier(real, Duration.ofMinutes(10), 2, clock);
    String d2 = "sha256:" + "02".repeat(32);
    String d3 = "sha256:" + "03".repeat(32);
    caching.verify(REPO, DIGEST, List.of(authority));
    caching.verify(REPO, d2, List.of(authority));
    caching.verify(REPO, DIGEST, List.of(authority));
    caching.verify(REPO, d3, List.of(authority));
    assertEquals(3, store.fetches.get());
    caching.verify(REPO, DIGEST, List.of(authority));
    assertEquals(3, store.fetches.get());
    caching.verify(REPO, d2, List.of(authority));
    assertEquals(4, store.fetches.get());
  }

  @Test
  void concurrentChecksOfTheSameImageShareOneVerification() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SignatureVerifier slow =
        (repository, digest, authorities) -> {
          calls.incrementAndGet();
          entered.countDown();
          try {
            assertTrue(release.await(10, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return real.verify(repository, digest, authorities);
        };
    CachingSignatureVerifier caching = new CachingSignatureVerifier(slow, Duration.ofMinutes(10), 100, clock);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<SignatureResult>> results = new ArrayList<>();
      results.add(pool.submit(() -> caching.verify(REPO, DIGEST, List.of(authority))));
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      for (int i = 0; i < 5; i++) {
        results.add(pool.submit(() -> caching.verify(REPO, DIGEST, List.of(authority))));
      }
      // The joiners are blocked on the one running flight; let it finish.
      Thread.sleep(100);
      release.countDown();
      SignatureResult first = results.get(0).get(10, TimeUnit.SECONDS);
      for (Future<SignatureResult> result : results) {
        assertSame(first, result.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, calls.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingVerificationReachesEveryWaiterAndIsNotCached() {
    AtomicInteger calls = new AtomicInteger();
    SignatureVerifier failing =
        (repository, digest, authorities) -> {
          calls.incrementAndGet();
          throw new IllegalStateException("boom");
        };
    CachingSignatureVerifier caching = new CachingSignatureVerifier(failing, Duration.ofMinutes(10), 100, clock);
    assertThrows(IllegalStateException.class, () -> caching.verify(REPO, DIGEST, List.of(authority)));
    assertThrows(IllegalStateException.class, () -> caching.verify(REPO, DIGEST, List.of(authority)));
    assertEquals(2, calls.get());
  }

  @Test
  void invalidTtlOrSizeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new CachingSignatureVerifier(real, Duration.ZERO, 10, clock));
    assertThrows(IllegalArgumentException.class, () -> new CachingSignatureVerifier(real, Duration.ofMinutes(1), 0, clock));
  }

}
