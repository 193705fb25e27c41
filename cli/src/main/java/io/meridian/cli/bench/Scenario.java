package io.meridian.cli.bench;

import io.meridian.runtime.spec.TopologyKind;

/** A fault {@code meridian bench failover} injects, and the topology it is measured on. */
enum Scenario {
  /** {@code kill -9} of the victim shard's primary. */
  CRASH("crash", TopologyKind.PERFORMANCE, "kill -9 of a primary's redis-server"),
  /** {@code kill -STOP} of the victim shard's primary (a hung node: no crash evidence). */
  HANG("hang", TopologyKind.PERFORMANCE, "kill -STOP of a primary's redis-server"),
  /** Every process of the victim primary's region, one of three regions holding one primary each. */
  REGION("region", TopologyKind.PERFORMANCE, "kill -9 of every process of the primary's region (1 of 3 primaries)"),
  /** Every process of the first region of a reliability cluster: it holds every primary. */
  MAJORITY("majority", TopologyKind.RELIABILITY,
      "kill -9 of every process of the region holding all primaries (reliability)"),
  /** The leader coordinator, measured to the next leader's announcement; Meridian only. */
  LEADER("leader", TopologyKind.PERFORMANCE, "kill -9 of the leader coordinator");

  private final String label;
  private final TopologyKind topology;
  private final String fault;

  Scenario(String label, TopologyKind topology, String fault) {
    this.label = label;
    this.topology = topology;
    this.fault = fault;
  }

  String label() {
    return label;
  }

  TopologyKind topology() {
    return topology;
  }

  String fault() {
    return fault;
  }

  /** Whether the whole region of the victim is killed, Meridian's processes included. */
  boolean killsRegion() {
    return this == REGION || this == MAJORITY;
  }

  /** Whether native Redis has an equivalent to measure (no coordinator there to kill). */
  boolean meridianOnly() {
    return this == LEADER;
  }

  static Scenario parse(String value) {
    for (Scenario s : values()) {
      if (s.label.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + value + "'; use crash, hang, region, majority or leader");
  }
}
