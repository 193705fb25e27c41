package io.meridian.runtime.spec;

import java.util.Locale;

/** The two layouts of the product description. */
public enum TopologyKind {
  /** Primaries in every region (counts differ by at most one); every shard has a copy outside its primary's region. */
  PERFORMANCE,
  /** All primaries in the first region; every other region holds one replica of every primary. */
  RELIABILITY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
