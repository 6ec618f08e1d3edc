package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.vulndb.source.DirectorySource;
import dev.vigil.vulndb.source.HttpZipSource;
import dev.vigil.vulndb.source.TestZips;
import dev.vigil.vulndb.source.ZipServer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VulnDbHolderTest {

  @TempDir Path dir;

  private final VulnDbHolder holder = new VulnDbHolder(new VulnDbLoader(TestDbs.CLOCK), TestDbs.CLOCK);

  @Test
  void failedReloadKeepsTheLastGoodSnapshotAndExposesTheFailure() throws Exception {
    Files.writeString(dir.resolve("X-1.json"), TestDbs.record("X-1", "Debian:12", "foo", "introduced:0"));
    DirectorySource source = new DirectorySource(dir);
    VulnDbHolder.Refresh first = holder.refresh(source);
    assertEquals(VulnDbHolder.Outcome.LOADED, first.outcome());
    VulnDb good = holder.current().orElseThrow();

    Files.writeString(dir.resolve("X-1.json"), "{ broken");
    VulnDbHolder.Refresh second = holder.refresh(source);
    assertEquals(VulnDbHolder.Outcome.FAILED, second.outcome());
    assertSame(good, holder.current().orElseThrow());
    assertSame(good, second.snapshot());
    LoadFailure failure = holder.lastFailure().orElseThrow();
    assertEquals(TestDbs.CLOCK.instant(), failure.time());
    assertEquals("directory " + dir.toAbsolutePath(), failure.source());
    assertTrue(failure.message().contains("holds no usable record"), failure.message());
    assertEquals(1, holder.failureCount());

    Files.writeString(dir.resolve("X-1.json"), TestDbs.record("X-1", "Debian:12", "foo", "introduced:0", "fixed:2.0-1"));
    assertEquals(VulnDbHolder.Outcome.LOADED, holder.refresh(source).outcome());
    assertEquals(Optional.empty(), holder.lastFailure());
  }

  @Test
  void unreachableSourceBeforeAnyLoadLeavesNoSnapshotAndSaysWhy() {
    VulnDbHolder.Refresh refresh = holder.refresh(new DirectorySource(dir.resolve("absent")));
    assertEquals(VulnDbHolder.Outcome.FAILED, refresh.outcome());
    assertEquals(Optional.empty(), holder.current());
    assertEquals(
        "OSV directory does not exist or is not a directory: " + dir.resolve("absent").toAbsolutePath(),
        holder.lastFailure().orElseThrow().message());
  }

  @Test
  void unchangedHttpSourceIsNotReadAgain() throws Exception {
    try (ZipServer server = new ZipServer("/Debian/all.zip")) {
      server.serve(
          TestZips.stored(Map.of("X-1.json", TestDbs.record("X-1", "Debian:12", "foo", "introduced:0"))),
          "\"abc\"",
          null);
      HttpZipSource source =
          new HttpZipSource(
              server.uri("/Debian/all.zip"),
              dir.resolve("cache"),
              HttpClient.newHttpClient(),
              Duration.ofSeconds(10),
              Duration.ofSeconds(30),
              HttpZipSource.DEFAULT_MAX_BYTES,
              TestDbs.CLOCK);
      assertEquals(VulnDbHolder.Outcome.LOADED, holder.refresh(source).outcome());
      VulnDb loaded = holder.current().orElseThrow();
      VulnDbHolder.Refresh again = holder.refresh(source);
      assertEquals(VulnDbHolder.Outcome.UNCHANGED, again.outcome());
      assertSame(loaded, again.snapshot());
      assertEquals(List.of(200, 304), server.requests().stream().map(ZipServer.Request::status).toList());

      server.failWith(500);
      VulnDbHolder.Refresh stale = holder.refresh(source);
      assertEquals(VulnDbHolder.Outcome.UNCHANGED, stale.outcome());
      assertEquals(1, stale.sourceWarnings().size());
      assertTrue(stale.sourceWarnings().get(0).contains("HTTP status 500"));
      assertEquals(stale.sourceWarnings(), holder.lastSourceWarnings());
    }
  }
}
