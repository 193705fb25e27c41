package io.meridian.cli.demo;

import java.util.Locale;

/** The two layouts of the product description. */
public enum Topology {
  /** Primaries in every region; each primary's replicas in other regions. */
  PERFORMANCE,
  /** All primaries in the first region; every other region holds one replica of each. */
  RELIABILITY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
