package dev.vigil.vulndb;

import dev.vigil.vulndb.source.OpenedSource;
import dev.vigil.vulndb.source.VulnDbSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the current snapshot and replaces it on refresh. A refresh that fails leaves the last
 * good snapshot in place and records the failure for status and metrics; a refresh whose source
 * reports the same version as the current snapshot keeps it without re-reading. Readers never
 * block: {@link #current()} is a volatile read. Refreshes are serialised.
 */
public final class VulnDbHolder {

  /** What a refresh did. */
  public enum Outcome {
    /** A new snapshot replaced the previous one (or was the first). */
    LOADED,
    /** The source has not changed since the current snapshot; nothing was read. */
    UNCHANGED,
    /** The source could not be loaded; the previous snapshot, if any, stays. */
    FAILED
  }

  /**
   * The result of one refresh.
   *
   * @param outcome what happened
   * @param snapshot the snapshot in place afterwards, null when there is none
   * @param failure the failure when {@code outcome} is FAILED, else null
   * @param sourceWarnings problems the source reported without failing
   */
  public record Refresh(
      Outcome outcome, VulnDb snapshot, LoadFailure failure, List<String> sourceWarnings) {}

  private final VulnDbLoader loader;
  private final Clock clock;
  private final AtomicReference<VulnDb> current = new AtomicReference<>();
  private final AtomicReference<LoadFailure> lastFailure = new AtomicReference<>();
  private final AtomicReference<Instant> lastAttempt = new AtomicReference<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<List<String>> lastWarnings = new AtomicReference<>(List.of());

  public VulnDbHolder(VulnDbLoader loader, Clock clock) {
    this.loader = loader;
    this.clock = clock;
  }

  /** The snapshot in use, empty until the first successful load. */
  public Optional<VulnDb> current() {
    return Optional.ofNullable(current.get());
  }

  /** The most recent failure since the last successful refresh, if any. */
  public Optional<LoadFailure> lastFailure() {
    return Optional.ofNullable(lastFailure.get());
  }

  /** When a refresh was last attempted. */
  public Optional<Instant> lastAttempt() {
    return Optional.ofNullable(lastAttempt.get());
  }

  /**
   * Problems the source reported on the last refresh without failing it, e.g. that the server
   * could not be reached and a cached copy is in use.
   */
  public List<String> lastSourceWarnings() {
    return lastWarnings.get();
  }

  /** Failed refreshes since start, for a counter metric. */
  public long failureCount() {
    return failures.get();
  }

  /**
   * Loads from {@code source} unless it still has the version of the current snapshot from the
   * same source. Never throws for bad data or unreachable sources: the outcome says what
   * happened.
   */
  public synchronized Refresh refresh(VulnDbSource source) {
    Instant now = clock.instant();
    lastAttempt.set(now);
    VulnDb previous = current.get();
    try (OpenedSource opened = source.open()) {
      if (previous != null
          && previous.source().equals(source.description())
          && previous.sourceVersion().equals(opened.version())) {
        lastFailure.set(null);
        lastWarnings.set(opened.warnings());
        return new Refresh(Outcome.UNCHANGED, previous, null, opened.warnings());
      }
      VulnDb loaded = loader.load(source.description(), opened);
      current.set(loaded);
      lastFailure.set(null);
      lastWarnings.set(opened.warnings());
      return new Refresh(Outcome.LOADED, loaded, null, opened.warnings());
    } catch (IOException | VulnDbLoadException | RuntimeException e) {
      // RuntimeException too: whatever a source or the data does, the operator keeps serving
      // the last good snapshot.
      LoadFailure failure = new LoadFailure(now, source.description(), messageOf(e));
      lastFailure.set(failure);
      failures.incrementAndGet();
      return new Refresh(Outcome.FAILED, previous, failure, List.of());
    }
  }

  private static String messageOf(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
