package io.meridian.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Meridian's logging, set up in code (found by logback through {@code META-INF/services}): one
 * line per event on standard output, human-readable, or JSON with {@code MERIDIAN_LOG_FORMAT=json}.
 * Done in code rather than in a {@code logback.xml} because parsing XML would keep a thousand
 * classes resident in every agent. An operator's own {@code -Dlogback.configurationFile} (and
 * the tests' {@code logback-test.xml}) still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  public static final String FORMAT_ENV = "MERIDIAN_LOG_FORMAT";
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %emsg %ekvp%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Map<String, String> env = System.getenv();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(context);
    out.setName("OUT");
    out.setEncoder(encoder(context, env.getOrDefault(FORMAT_ENV, "text")));
    out.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(env.getOrDefault("MERIDIAN_LOG_LEVEL", "INFO"), Level.INFO));
    root.addAppender(out);
    context.getLogger("com.hazelcast").setLevel(Level.toLevel(env.getOrDefault("MERIDIAN_HAZELCAST_LOG_LEVEL", "WARN"),
        Level.WARN));
    // Vert.x's cluster manager asks the bus for a CP structure once at start, which warns of "UNSAFE
    // mode" on a bus without CP; Meridian's own CP group (the leader lock) is the leadership
    // cluster's, where CP is on and this logger never speaks.
    context.getLogger("com.hazelcast.cp.CPSubsystem").setLevel(Level.ERROR);
    for (String chatty : new String[] {"io.netty", "org.redisson", "io.vertx"}) {
      context.getLogger(chatty).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    Encoder<ILoggingEvent> encoder;
    switch (format.trim().toLowerCase(Locale.ROOT)) {
      case "json" -> encoder = new JsonLineEncoder();
      case "text", "" -> encoder = textEncoder();
      default -> {
        // Logging is not up yet; say it where the operator will look, and carry on readable.
        System.err.println("meridian: " + FORMAT_ENV + "=" + format + " is neither 'text' nor 'json'; logging as text");
        encoder = textEncoder();
      }
    }
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  /**
   * The text format. {@code %emsg} and {@code %ekvp} are the message and key-value pairs with
   * control characters escaped: text from the wire must not forge log lines.
   */
  static Encoder<ILoggingEvent> textEncoder() {
    PatternLayout layout = new PatternLayout();
    layout.getInstanceConverterMap().put("emsg", EscapedConverter.Message::new);
    layout.getInstanceConverterMap().put("ekvp", EscapedConverter.KeyValues::new);
    layout.setPattern(TEXT_PATTERN);
    LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>() {
      @Override
      public void start() {
        layout.setContext(getContext());
        layout.start();
        super.start();
      }
    };
    text.setLayout(layout);
    return text;
  }

  /** Sets the root log level (a reload's {@code log.level}); a no-op if logback is not the backend. */
  public static void setRootLevel(String level) {
    setLevel(org.slf4j.Logger.ROOT_LOGGER_NAME, level);
  }

  /** Sets one logger's level; a no-op if logback is not the backend. */
  public static void setLevel(String logger, String level) {
    if (LoggerFactory.getLogger(logger) instanceof Logger l) {
      l.setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
