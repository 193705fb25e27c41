package io.meridian.runtime.testing;

import io.meridian.runtime.bus.BusConfig;
import java.util.HashMap;
import java.util.Map;

/** A fixed bus key for config tests that are not about the key: passed the way operators may, in the environment. */
public final class TestKeys {

  /** Base64 of 32 bytes of 0x2a. */
  public static final String KEY_TEXT = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

  private TestKeys() {
  }

  /** {@code env} plus {@code MERIDIAN_BUS_KEY}. */
  public static Map<String, String> withBusKey(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put(BusConfig.DEFAULT_KEY_ENV, KEY_TEXT);
    return all;
  }
}
