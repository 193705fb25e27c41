package io.meridian.messages;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One realistic message of every kind. */
final class Samples {

  private Samples() {
  }

  static NodeHealthReport healthyPrimary() {
    return new NodeHealthReport("agent-eu", "prod", "eu-west", "10.0.0.5:7000", 42, 1_764_000_000_000L, 310,
        Optional.empty(),
        Optional.of(new RedisState(RedisState.Role.PRIMARY, Optional.empty(), Optional.empty(), Optional.empty(),
            18273, 2, true, Optional.of("ok"), Optional.of("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca"), 7, 9,
            List.of("0-5460"), 5461, List.of("myself", "master"),
            Map.of("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1", List.of("master", "fail?")),
            1_048_576, 0, 12, Optional.of("203.0.113.5:7000"), Map.of("cluster-node-timeout", "5000"))), 1000, true);
  }

  static NodeHealthReport replicaWithLinkDown() {
    return new NodeHealthReport("agent-us", "prod", "us-east", "10.1.0.7:7001", 7, 1_764_000_000_250L, 290,
        Optional.empty(),
        Optional.of(new RedisState(RedisState.Role.REPLICA, Optional.of("10.0.0.5:7000"), Optional.of(false),
            Optional.of(-1L), 0, 0, true, Optional.of("ok"), Optional.of("a1b2"), 7, 9, List.of(), 0,
            List.of("myself", "slave"), Map.of(), 900_000, 0, 3, Optional.empty(), Map.of())));
  }

  static NodeHealthReport refused() {
    return new NodeHealthReport("agent-eu", "prod", "eu-west", "10.0.0.5:7000", 43, 1_764_000_000_250L, 120,
        Optional.of(new ProbeFailure(ProbeFailure.Kind.REFUSED, "connection refused")), Optional.empty());
  }

  static Command command() {
    return new Command("coord-eu", "3f2a-1", 17, "10.1.0.7:7001", Command.Kind.FAILOVER_FORCE,
        Map.of("primaryId", "e7d1"), 1_764_000_001_000L, "n2's agent saw connection refused on loopback");
  }

  static CommandResult commandResult() {
    return new CommandResult("agent-us", "3f2a-1", 17, "10.1.0.7:7001", CommandResult.Outcome.REFUSED,
        "term 17 is lower than the highest seen (18)", 1_764_000_001_020L);
  }

  static CommandResult promoted() {
    return new CommandResult("agent-us", "3f2a-2", 17, "10.1.0.7:7001", CommandResult.Outcome.EXECUTED,
        "OK; primary after 212 ms", 1_764_000_001_240L, java.util.Optional.of(212L));
  }

  static LeaderAnnouncement leader() {
    return new LeaderAnnouncement("coord-eu", "eu-west", 17, 1_764_000_000_000L, "http://10.0.0.2:8080", 3, 3);
  }

  static ClusterEvent event() {
    return new ClusterEvent("coord-eu", ClusterEvent.Kind.NODE_UNREACHABLE, ClusterEvent.Severity.WARNING,
        Optional.of("eu-west"), Optional.of("10.0.0.5:7000"), "no answer for 3 s", 1_764_000_002_000L);
  }

  static ReachabilityReport reachability() {
    return new ReachabilityReport("coord-us", "us-east", 1_764_000_003_000L, List.of("10.0.0.5:7000", "10.1.0.7:7001"),
        Map.of("10.0.0.5:7000", 1_764_000_000_500L));
  }

  static List<Message> all() {
    return List.of(healthyPrimary(), replicaWithLinkDown(), refused(), command(), commandResult(), promoted(), leader(), event(),
        reachability());
  }
}
