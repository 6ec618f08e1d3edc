package dev.vigil.rollout;

import dev.vigil.api.ImageReportStatus.HistoryEntry;
import dev.vigil.api.ImageReportStatus.Update;
import dev.vigil.api.ImageReportStatus.Update.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The redeploy history in an ImageReport's {@code status.update.history}: the last 10, newest last.
 */
public final class UpdateHistory {

  /** How many entries a report keeps. */
  public static final int LIMIT = 10;

  private static final Set<State> RESULTS = Set.of(State.RolledOut, State.RolledBack, State.Failed);

  private UpdateHistory() {}

  /**
   * Appends a redeploy result, dropping the oldest entries beyond {@link #LIMIT}. Recording the
   * same from/to/result as the newest entry again (a step repeated after a crash) changes nothing.
   *
   * @throws IllegalArgumentException when {@code result} is not RolledOut, RolledBack or Failed
   */
  public static void record(Update update, Instant time, String from, String to, State result) {
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!RESULTS.contains(result)) {
      throw new IllegalArgumentException(
          "a history entry records RolledOut, RolledBack or Failed, not " + result);
    }
    List<HistoryEntry> history =
        update.history == null ? new ArrayList<>() : new ArrayList<>(update.history);
    if (!history.isEmpty()) {
      HistoryEntry last = history.get(history.size() - 1);
      if (from.equals(last.from) && to.equals(last.to) && result == last.result) {
        update.history = history;
        return;
      }
    }
    HistoryEntry entry = new HistoryEntry();
    entry.time = time.toString();
    entry.from = from;
    entry.to = to;
    entry.result = result;
    history.add(entry);
    while (history.size() > LIMIT) {
      history.remove(0);
    }
    update.history = history;
  }

  /** Digests the history says were rolled back from or failed: never to be tried again. */
  public static Set<String> failedDigests(Update update) {
    Set<String> failed = new TreeSet<>();
    if (update != null && update.history != null) {
      for (HistoryEntry entry : update.history) {
        if ((entry.result == State.RolledBack || entry.result == State.Failed)
            && entry.to != null) {
          failed.add(entry.to);
        }
      }
    }
    return failed;
  }
}
