package io.meridian.cli.bench;

import java.util.List;

/** The {@code --systems} option the benchmarks share: which failover to measure. */
final class Systems {

  private Systems() {
  }

  /**
   * @param insecureToo whether this benchmark also runs Meridian on an unsigned bus ({@code meridian-insecure})
   * @throws IllegalArgumentException naming the first unknown system
   */
  static void check(List<String> systems, boolean insecureToo) {
    for (String s : systems) {
      boolean known = s.equals("meridian") || s.equals("native")
          || insecureToo && s.equals(FailoverReport.MERIDIAN_INSECURE);
      if (!known) {
        throw new IllegalArgumentException("unknown system '" + s + "' in --systems; use meridian"
            + (insecureToo ? ", native and/or " + FailoverReport.MERIDIAN_INSECURE : " and/or native"));
      }
    }
  }
}
