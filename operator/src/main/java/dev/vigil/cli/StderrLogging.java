package dev.vigil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Logging as the command-line tools need it, set up in code when logback starts: warnings
 * and errors on stderr (stdout carries the scan results), level from {@code VIGIL_LOG_LEVEL}.
 * Found through {@code META-INF/services}, so logback neither looks for nor parses an XML
 * file, which costs a cold {@code vigil scan} hundreds of classes. The operator switches to
 * its own configuration ({@link LoggingSetup}) before it logs anything. A
 * {@code logback-test.xml} (the tests') or {@code -Dlogback.configurationFile} wins over
 * this.
 */
public final class StderrLogging extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || StderrLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    StderrAppender appender = new StderrAppender(System.err);
    appender.setContext(context);
    appender.setName("STDERR");
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("VIGIL_LOG_LEVEL"), Level.WARN));
    root.addAppender(appender);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** "2025-01-01T00:00:00.000Z WARN  LayerWalker - message", then the stack trace if any. */
  static final class StderrAppender extends AppenderBase<ILoggingEvent> {
    private final PrintStream err;

    StderrAppender(PrintStream err) {
      this.err = err;
    }

    @Override
    protected void append(ILoggingEvent event) {
      String logger = event.getLoggerName();
      StringBuilder line = new StringBuilder(128)
          .append(Instant.ofEpochMilli(event.getTimeStamp()))
          .append(' ')
          .append(String.format("%-5s", event.getLevel()))
          .append(' ')
          .append(logger.substring(logger.lastIndexOf('.') + 1))
          .append(" - ")
          .append(event.getFormattedMessage());
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        line.append(System.lineSeparator()).append(ThrowableProxyUtil.asString(thrown));
      }
      synchronized (err) {
        err.println(line);
        err.flush();
      }
    }
  }
}
