package io.meridian.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, one field per datum, for journald and log shippers:
 * {@code {"ts", "level", "logger", "thread", "msg", <every key-value pair of the event>, "error", "stack"}}.
 * A pair named like a fixed field is written as {@code kv.<name>}. Values are written as numbers
 * and booleans when they are, else as their {@code toString} (so a {@code Secret} shows {@code ****}).
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> FIXED = Set.of("ts", "level", "logger", "thread", "msg", "error", "stack");

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("msg", event.getFormattedMessage());
      for (Map.Entry<String, Object> pair : pairs(event).entrySet()) {
        json.writeFieldName(FIXED.contains(pair.getKey()) ? "kv." + pair.getKey() : pair.getKey());
        writeValue(json, pair.getValue());
      }
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        json.writeStringField("error", error.getClassName() + ": " + error.getMessage());
        json.writeStringField("stack", ThrowableProxyUtil.asString(error));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (out + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The event's key-value pairs; a key given twice keeps its last value (JSON keys are unique). */
  private static Map<String, Object> pairs(ILoggingEvent event) {
    Map<String, Object> pairs = new LinkedHashMap<>();
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        pairs.put(pair.key, pair.value);
      }
    }
    return pairs;
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      json.writeNumber(n.doubleValue());
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else {
      json.writeString(value.toString());
    }
  }
}
