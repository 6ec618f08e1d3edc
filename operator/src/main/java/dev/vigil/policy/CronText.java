package dev.vigil.policy;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/** Five-field (Unix) cron expressions and IANA time zones as specs write them. */
public final class CronText {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private CronText() {}

  /**
   * Parses and validates a five-field cron expression.
   *
   * @throws IllegalArgumentException with cron-utils' reason
   */
  public static ExecutionTime parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("a cron expression must not be empty");
    }
    if (expression.trim().split("\\s+").length != 5) {
      throw new IllegalArgumentException(
          "'" + expression + "' must have five fields: minute hour day-of-month month day-of-week");
    }
    try {
      Cron cron = PARSER.parse(expression);
      cron.validate();
      return ExecutionTime.forCron(cron);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + expression + "' is not a valid cron expression: " + e.getMessage());
    }
  }

  /** The next time strictly after {@code after}, or empty if the expression never fires. */
  public static Optional<ZonedDateTime> next(ExecutionTime cron, ZonedDateTime after) {
    return cron.nextExecution(after);
  }

  /**
   * Parses an IANA zone id.
   *
   * @throws IllegalArgumentException when the zone is unknown
   */
  public static ZoneId zone(String id) {
    if (id == null || id.isBlank()) {
      return ZoneId.of("UTC");
    }
    try {
      return ZoneId.of(id);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("'" + id + "' is not a known IANA time zone");
    }
  }
}
