package io.meridian.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.meridian.runtime.config.Secret;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class JsonLineEncoderTest {

  private final LoggerContext context = new LoggerContext();
  private final JsonLineEncoder encoder = new JsonLineEncoder();

  private JsonObject encode(LoggingEvent event) {
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n").doesNotContain("\n\n");
    assertThat(line.strip()).doesNotContain("\n");
    return new JsonObject(line);
  }

  private LoggingEvent event(String message, Object[] args, Throwable error) {
    LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("io.meridian.agent.AgentVerticle"), Level.INFO,
        message, error, args);
    event.setThreadName("vert.x-eventloop-thread-1");
    event.setTimeStamp(1_795_000_000_123L);
    return event;
  }

  @Test
  void everyDatumIsAFieldOfItsOwn() {
    LoggingEvent event = event("node {} is {}", new Object[] {"127.0.0.1:7000", "unreachable (refused)"}, null);
    event.setKeyValuePairs(List.of(new KeyValuePair("node", "127.0.0.1:7000"), new KeyValuePair("region", "eu-west"),
        new KeyValuePair("term", 7L), new KeyValuePair("healthy", false), new KeyValuePair("msg", "clash"),
        new KeyValuePair("password", new Secret("s3cret"))));
    JsonObject json = encode(event);
    assertThat(json.getString("ts")).isEqualTo("2026-11-18T11:06:40.123Z");
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("logger")).isEqualTo("io.meridian.agent.AgentVerticle");
    assertThat(json.getString("thread")).isEqualTo("vert.x-eventloop-thread-1");
    assertThat(json.getString("msg")).isEqualTo("node 127.0.0.1:7000 is unreachable (refused)");
    assertThat(json.getString("node")).isEqualTo("127.0.0.1:7000");
    assertThat(json.getString("region")).isEqualTo("eu-west");
    assertThat(json.getLong("term")).isEqualTo(7L);
    assertThat(json.getBoolean("healthy")).isFalse();
    assertThat(json.getString("kv.msg")).isEqualTo("clash");
    assertThat(json.getString("password")).isEqualTo("****");
    assertThat(json.encode()).doesNotContain("s3cret");
    assertThat(json.containsKey("error")).isFalse();
  }

  @Test
  void anErrorComesWithItsStackAndQuotesAreEscaped() {
    JsonObject json = encode(event("bad \"input\"\non two lines", null, new IllegalStateException("boom")));
    assertThat(json.getString("msg")).isEqualTo("bad \"input\"\non two lines");
    assertThat(json.getString("error")).isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(json.getString("stack")).contains("JsonLineEncoderTest");
  }
}
