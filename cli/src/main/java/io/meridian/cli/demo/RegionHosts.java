package io.meridian.cli.demo;

import java.util.List;

/**
 * Where each region's processes run: all on loopback for the demo, or one network namespace per
 * region (see {@link io.meridian.runtime.netlab.NetLab}) where the partition bench and its test
 * cut regions off for real.
 */
public interface RegionHosts {

  /** The address region {@code i}'s processes bind and announce. */
  String host(int region);

  /** The command prefix that starts a process in region {@code i} (keeping its PID); empty: here. */
  List<String> launcher(int region);

  /** Every region on 127.0.0.1, started directly. */
  static RegionHosts loopback() {
    return new RegionHosts() {
      @Override
      public String host(int region) {
        return "127.0.0.1";
      }

      @Override
      public List<String> launcher(int region) {
        return List.of();
      }
    };
  }

  /** Every region in its own namespace of {@code lab}. */
  static RegionHosts of(io.meridian.runtime.netlab.NetLab lab) {
    return new RegionHosts() {
      @Override
      public String host(int region) {
        return lab.host(region);
      }

      @Override
      public List<String> launcher(int region) {
        return lab.launcher(region);
      }
    };
  }

  /** True when every region is on loopback (ports can be checked here before starting). */
  default boolean local() {
    return launcher(0).isEmpty() && host(0).equals("127.0.0.1");
  }
}
