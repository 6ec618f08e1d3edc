package dev.vigil.rollout;

import com.cronutils.model.time.ExecutionTime;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.policy.CronText;
import dev.vigil.policy.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A recurring maintenance window: opens when the cron fires in the time zone and stays open for the
 * duration. It is open at {@code now} when the latest opening at or before now is less than the
 * duration ago; overlapping windows (duration longer than the cron period) simply stay open.
 */
public final class MaintenanceWindow {

  private final ExecutionTime schedule;
  private final ZoneId zone;
  private final Duration duration;

  private MaintenanceWindow(ExecutionTime schedule, ZoneId zone, Duration duration) {
    this.schedule = schedule;
    this.zone = zone;
    this.duration = duration;
  }

  /**
   * Parses a policy's window.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static MaintenanceWindow of(ImagePolicySpec.Window window) {
    ExecutionTime schedule;
    try {
      schedule = CronText.parse(window.schedule);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("schedule: " + e.getMessage(), e);
    }
    Duration duration;
    try {
      duration = DurationText.parse(window.duration);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("duration: " + e.getMessage(), e);
    }
    ZoneId zone;
    try {
      zone = CronText.zone(window.timeZone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("timeZone: " + e.getMessage(), e);
    }
    return new MaintenanceWindow(schedule, zone, duration);
  }

  /** True when {@code now} lies in [latest opening, latest opening + duration). */
  public boolean isOpen(Instant now) {
    return latestOpening(now).map(start -> now.isBefore(start.plus(duration))).orElse(false);
  }

  /** The latest opening at or before {@code now}, if the schedule ever fired before. */
  Optional<Instant> latestOpening(Instant now) {
    // cron-utils' lastExecution is strictly before its argument; ask from a minute later and
    // step back once if that lands after now (cron has minute resolution).
    Optional<ZonedDateTime> last =
        schedule.lastExecution(ZonedDateTime.ofInstant(now, zone).plusMinutes(1));
    if (last.isPresent() && last.get().toInstant().isAfter(now)) {
      last = schedule.lastExecution(last.get());
    }
    return last.map(ZonedDateTime::toInstant);
  }

  /** The first opening strictly after {@code now}; empty when the schedule never fires again. */
  public Optional<Instant> nextOpening(Instant now) {
    return schedule.nextExecution(ZonedDateTime.ofInstant(now, zone)).map(ZonedDateTime::toInstant);
  }
}
