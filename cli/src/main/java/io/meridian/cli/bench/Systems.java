package io.meridian.cli.bench;

import java.util.List;

/** The {@code --systems} option the benchmarks share: which failover to measure. */
final class Systems {

  private Systems() {
  }

  /**
   * @param variantsToo whether this benchmark also runs Meridian on an unsigned bus ({@code meridian-insecure})
   *                    and with its nodes on TLS ({@code meridian-redis-tls})
   * @throws IllegalArgumentException naming the first unknown system
   */
  static void check(List<String> systems, boolean variantsToo) {
    for (String s : systems) {
      boolean known = s.equals("meridian") || s.equals("native")
          || variantsToo && (s.equals(FailoverReport.MERIDIAN_INSECURE) || s.equals(FailoverReport.MERIDIAN_REDIS_TLS));
      if (!known) {
        throw new IllegalArgumentException("unknown system '" + s + "' in --systems; use meridian"
            + (variantsToo ? ", native, " + FailoverReport.MERIDIAN_INSECURE + " and/or "
            + FailoverReport.MERIDIAN_REDIS_TLS : " and/or native"));
      }
    }
  }
}
