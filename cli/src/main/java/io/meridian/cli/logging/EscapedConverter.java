package io.meridian.cli.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.KeyValuePairConverter;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The text format's message and key-value pairs with control characters escaped ({@code \n},
 * {@code \r}, {@code \t}, {@code \u001b}, …): much of what is logged comes from the wire (a
 * command's reason, a sender's id, a rejected value), and a newline in it must not forge a log line.
 * The JSON format escapes them as JSON does.
 */
public abstract class EscapedConverter extends ClassicConverter {

  /** {@code %emsg}: the formatted message, escaped. */
  public static final class Message extends EscapedConverter {
    private final MessageConverter inner = new MessageConverter();

    @Override
    public String convert(ILoggingEvent event) {
      return escape(inner.convert(event));
    }
  }

  /** {@code %ekvp}: the key-value pairs, escaped. */
  public static final class KeyValues extends EscapedConverter {
    private final KeyValuePairConverter inner = new KeyValuePairConverter();

    @Override
    public void start() {
      inner.setContext(getContext());
      inner.setOptionList(getOptionList());
      inner.start();
      super.start();
    }

    @Override
    public String convert(ILoggingEvent event) {
      return escape(inner.convert(event));
    }
  }

  static String escape(String text) {
    if (text == null || text.chars().noneMatch(EscapedConverter::control)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    text.chars().forEach(c -> {
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (control(c)) {
            out.append(String.format("\\u%04x", c));
          } else {
            out.append((char) c);
          }
        }
      }
    });
    return out.toString();
  }

  private static boolean control(int c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
  }
}
