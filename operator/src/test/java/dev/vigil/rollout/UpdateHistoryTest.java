package dev.vigil.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.api.ImageReportStatus.HistoryEntry;
import dev.vigil.api.ImageReportStatus.Update;
import dev.vigil.api.ImageReportStatus.Update.State;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpdateHistoryTest {

  private static final Instant T0 = Instant.parse("2026-11-23T01:00:00Z");

  private static String digest(int n) {
    return "sha256:" + String.format("%064x", n);
  }

  @Test
  void appendsNewestLast() {
    Update update = new Update();
    UpdateHistory.record(update, T0, digest(1), digest(2), State.RolledOut);
    UpdateHistory.record(update, T0.plusSeconds(60), digest(2), digest(3), State.RolledBack);

    assertEquals(2, update.history.size());
    HistoryEntry last = update.history.get(1);
    assertEquals("2026-11-23T01:01:00Z", last.time);
    assertEquals(digest(2), last.from);
    assertEquals(digest(3), last.to);
    assertEquals(State.RolledBack, last.result);
  }

  @Test
  void keepsTheLastTen() {
    Update update = new Update();
    for (int i = 0; i < 13; i++) {
      UpdateHistory.record(update, T0.plusSeconds(i), digest(i), digest(i + 1), State.RolledOut);
    }
    assertEquals(10, update.history.size());
    assertEquals(
        List.of(digest(4), digest(13)),
        List.of(update.history.get(0).to, update.history.get(9).to));
  }

  @Test
  void repeatingTheNewestEntryAfterACrashAddsNothing() {
    Update update = new Update();
    UpdateHistory.record(update, T0, digest(1), digest(2), State.RolledBack);
    UpdateHistory.record(update, T0.plusSeconds(30), digest(1), digest(2), State.RolledBack);
    assertEquals(1, update.history.size());
    assertEquals("2026-11-23T01:00:00Z", update.history.get(0).time);
  }

  @Test
  void onlyResultsAreRecorded() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UpdateHistory.record(new Update(), T0, digest(1), digest(2), State.Waiting));
    assertEquals(
        "a history entry records RolledOut, RolledBack or Failed, not Waiting", e.getMessage());
  }

  @Test
  void failedDigestsAreThoseRolledBackOrFailed() {
    Update update = new Update();
    UpdateHistory.record(update, T0, digest(1), digest(2), State.RolledOut);
    UpdateHistory.record(update, T0, digest(2), digest(3), State.RolledBack);
    UpdateHistory.record(update, T0, digest(2), digest(4), State.Failed);
    assertEquals(Set.of(digest(3), digest(4)), UpdateHistory.failedDigests(update));
    assertEquals(Set.of(), UpdateHistory.failedDigests(null));
  }
}
