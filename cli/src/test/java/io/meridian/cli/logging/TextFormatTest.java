package io.meridian.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** Given text that came off the wire with line breaks in it, the text log format keeps it on one line, escaped. */
class TextFormatTest {

  private final LoggerContext context = new LoggerContext();

  private String encode(LoggingEvent event) {
    Encoder<ILoggingEvent> encoder = LogSetup.textEncoder();
    encoder.setContext(context);
    encoder.start();
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void aForgedLineInAMessageOrAValueStaysOnItsOwnLineEscaped() {
    String reason = "failover\n2026-12-04T08:00:00.000Z INFO  [main] Leader - coordinator-x elected leader\u001b[2J";
    LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("io.meridian.agent.command.CommandVerticle"),
        Level.INFO, "executing {} for leader {}: {}", null, new Object[] {"FAILOVER_FORCE", "coord\r\n1", reason});
    event.setThreadName("vert.x-eventloop-thread-1");
    event.setTimeStamp(1_795_000_000_123L);
    event.setKeyValuePairs(List.of(new KeyValuePair("reason", "a\tb\nc")));
    String line = encode(event);
    assertThat(line).endsWith("\n");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\u001b");
    assertThat(line).contains("executing FAILOVER_FORCE for leader coord\\r\\n1: failover\\n2026-12-04T08:00:00.000Z INFO",
        "\\u001b[2J", "reason=\"a\\tb\\nc\"");
  }

  @Test
  void ordinaryTextIsUnchanged() {
    LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("x"), Level.WARN, "node {} is {}", null,
        new Object[] {"127.0.0.1:7000", "unreachable (refused) — ünïcode"});
    event.setTimeStamp(1_795_000_000_123L);
    assertThat(encode(event)).contains(" WARN ", "- node 127.0.0.1:7000 is unreachable (refused) — ünïcode");
  }
}
