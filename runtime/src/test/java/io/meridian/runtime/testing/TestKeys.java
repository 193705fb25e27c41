package io.meridian.runtime.testing;

import io.meridian.runtime.bus.BusConfig;
import java.util.HashMap;
import java.util.Map;

/** Fixed bus and leader keys for config tests that are not about the keys: passed the way operators may, in the environment. */
public final class TestKeys {

  /** Base64 of 32 bytes of 0x2a. */
  public static final String KEY_TEXT = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";
  /** An Ed25519 pair made with openssl genpkey / pkey -pubout, for these tests only. */
  public static final String LEADER_PRIVATE_PEM = """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEIJYehkuT3+FxU5eZSo3n4/02flr5ijXR/NCPf0ceIRKj
      -----END PRIVATE KEY-----
      """;
  public static final String LEADER_PUBLIC_PEM = """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAfBhKW9wTpl9+RRFC9+MrNGRSFFL2pgaYH0ENyvKHehU=
      -----END PUBLIC KEY-----
      """;

  private TestKeys() {
  }

  /** {@code env} plus an agent's keys: {@code MERIDIAN_BUS_KEY} and {@code MERIDIAN_LEADER_PUBLIC_KEY}. */
  public static Map<String, String> withBusKey(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put(BusConfig.DEFAULT_KEY_ENV, KEY_TEXT);
    all.put(BusConfig.DEFAULT_LEADER_PUBLIC_KEY_ENV, LEADER_PUBLIC_PEM);
    return all;
  }

  /** {@code env} plus a coordinator's keys: an agent's and {@code MERIDIAN_LEADER_KEY}. */
  public static Map<String, String> withCoordinatorKeys(Map<String, String> env) {
    Map<String, String> all = withBusKey(env);
    all.put(BusConfig.DEFAULT_LEADER_KEY_ENV, LEADER_PRIVATE_PEM);
    return all;
  }
}
