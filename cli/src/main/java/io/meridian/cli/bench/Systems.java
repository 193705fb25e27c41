package io.meridian.cli.bench;

import java.util.List;

/** The {@code --systems} option the benchmarks share: which failover to measure. */
final class Systems {

  private Systems() {
  }

  /** @throws IllegalArgumentException naming the first unknown system */
  static void check(List<String> systems) {
    for (String s : systems) {
      if (!s.equals("meridian") && !s.equals("native")) {
        throw new IllegalArgumentException("unknown system '" + s + "' in --systems; use meridian and/or native");
      }
    }
  }
}
