package io.meridian.runtime.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code log} section both processes share: {@code log.level}, the root log level, which a
 * reload may change. Without it the level comes from {@code MERIDIAN_LOG_LEVEL}, else INFO.
 */
public final class LogLevels {

  public static final String ENV = "MERIDIAN_LOG_LEVEL";
  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private LogLevels() {
  }

  /** Reads {@code log.level} from {@code root}, in upper case. */
  public static String read(ConfigNode root, Map<String, String> env) throws ConfigException {
    ConfigNode log = root.object("log");
    if (log.has("level")) {
      String level = log.string("level").toUpperCase(Locale.ROOT);
      if (!LEVELS.contains(level)) {
        throw log.error("level", "must be one of " + String.join(", ", LEVELS) + ", got \"" + log.string("level") + "\"");
      }
      return level;
    }
    String fromEnv = env.getOrDefault(ENV, "").trim().toUpperCase(Locale.ROOT);
    if (fromEnv.isEmpty()) {
      return "INFO";
    }
    if (!LEVELS.contains(fromEnv)) {
      throw log.error("level", "is not set, and " + ENV + "=" + env.get(ENV) + " is not one of " + String.join(", ", LEVELS));
    }
    return fromEnv;
  }
}
