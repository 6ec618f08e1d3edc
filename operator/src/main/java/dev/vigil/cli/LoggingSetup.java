package dev.vigil.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Switches logback between the line format and JSON lines at start-up. */
final class LoggingSetup {

  /** Log line formats. */
  enum Format {
    text,
    json
  }

  private LoggingSetup() {}

  static void configure(Format format) {
    String resource = format == Format.json ? "logback-json.xml" : "logback.xml";
    URL config = LoggingSetup.class.getClassLoader().getResource(resource);
    if (config == null) {
      throw new IllegalStateException(resource + " is missing from the jar");
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging from " + resource, e);
    }
  }
}
