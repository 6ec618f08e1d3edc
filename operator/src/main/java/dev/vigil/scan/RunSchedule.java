package dev.vigil.scan;

import com.cronutils.model.time.ExecutionTime;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.policy.CronText;
import dev.vigil.policy.DurationText;
import dev.vigil.policy.ImagePolicyValidator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a ScanSchedule's runs are due: a five-field cron in a time zone, or a fixed interval
 * counted from an anchor (the last run, or the schedule's creation).
 */
public final class RunSchedule {

  private final ExecutionTime cron;
  private final ZoneId zone;
  private final Duration interval;

  private RunSchedule(ExecutionTime cron, ZoneId zone, Duration interval) {
    this.cron = cron;
    this.zone = zone;
    this.interval = interval;
  }

  /** The parsed schedule, or the problems that keep it from being one. */
  public record Parsed(RunSchedule schedule, List<String> problems) {
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /** Validates a spec; {@code minInterval} keeps runs from hammering registries. */
  public static Parsed parse(ScanScheduleSpec spec, Duration minInterval) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return new Parsed(null, List.of("spec: is missing"));
    }
    ZoneId zone = null;
    try {
      zone = CronText.zone(spec.timeZone);
    } catch (IllegalArgumentException e) {
      problems.add("spec.timeZone: " + e.getMessage());
    }
    ExecutionTime cron = null;
    Duration interval = null;
    if ((spec.schedule == null) == (spec.interval == null)) {
      problems.add("spec: exactly one of schedule or interval must be set");
    } else if (spec.schedule != null) {
      try {
        cron = CronText.parse(spec.schedule);
      } catch (IllegalArgumentException e) {
        problems.add("spec.schedule: " + e.getMessage());
      }
    } else {
      try {
        interval = DurationText.parse(spec.interval);
        if (interval.getNano() != 0) {
          problems.add("spec.interval: '" + spec.interval + "' must be whole seconds");
        } else if (interval.compareTo(minInterval) < 0) {
          problems.add("spec.interval: '" + spec.interval + "' is shorter than the minimum of "
              + DurationText.format(minInterval));
        }
      } catch (IllegalArgumentException e) {
        problems.add("spec.interval: " + e.getMessage());
      }
    }
    problems.addAll(ImagePolicyValidator.validateSelector("spec.namespaceSelector", spec.namespaceSelector));
    problems.addAll(ImagePolicyValidator.validateSelector("spec.workloadSelector", spec.workloadSelector));
    if (!problems.isEmpty()) {
      return new Parsed(null, List.copyOf(problems));
    }
    return new Parsed(new RunSchedule(cron, zone, interval), List.of());
  }

  /** The first due time strictly after {@code after}; empty if a cron never fires again. */
  public Optional<Instant> nextAfter(Instant after) {
    if (interval != null) {
      return Optional.of(after.plus(interval));
    }
    return cron.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
  }

  /**
   * The latest due time in (anchor, now], if any. Runs missed while the operator was down
   * collapse into this one, as a CronJob with concurrencyPolicy Forbid would.
   */
  public Optional<Instant> latestDue(Instant anchor, Instant now) {
    Optional<Instant> first = nextAfter(anchor);
    if (first.isEmpty() || first.get().isAfter(now)) {
      return Optional.empty();
    }
    if (interval != null) {
      long periods = Duration.between(anchor, now).toMillis() / interval.toMillis();
      return Optional.of(anchor.plus(interval.multipliedBy(periods)));
    }
    Optional<Instant> last =
        cron.lastExecution(ZonedDateTime.ofInstant(now.plusMillis(1), zone)).map(ZonedDateTime::toInstant);
    return last.filter(t -> t.isAfter(anchor)).or(() -> first);
  }
}
