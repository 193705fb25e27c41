package io.meridian.cli.spec;

import io.meridian.agent.admin.AdminCommandException;
import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.redis.ClusterNodesReply;
import io.meridian.agent.redis.InfoText;
import io.meridian.cli.Meridian;
import io.meridian.coordinator.decide.CandidateOrder;
import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.NodeSpec;
import io.meridian.runtime.spec.RegionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian failover --region NAME --force --accept-data-loss}: the operator's takeover for
 * when automatic failover cannot act (two of three regions lost: the survivors have no CP
 * majority, so no leader). Every shard whose primary does not answer gets its best replica in
 * {@code NAME} promoted with {@code CLUSTER FAILOVER TAKEOVER}. Talks to the nodes directly.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Take over every shard whose primary is down, in one region, by hand (when no leader can).")
public final class FailoverCommand implements Callable<Integer> {

  @Option(names = "--spec", required = true, paramLabel = "FILE", description = "cluster spec")
  Path spec;

  @Option(names = "--region", required = true, paramLabel = "NAME", description = "the surviving region to promote in")
  String region;

  @Option(names = "--force", description = "required: promote without the agreement of a majority")
  boolean force;

  @Option(names = "--accept-data-loss", description = "required: writes acknowledged by the lost primaries after "
      + "their last replication to these replicas are lost")
  boolean acceptDataLoss;

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "how long each takeover may take to show (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    ClusterSpec loaded = SpecFiles.load(spec, "failover");
    if (loaded == null) {
      return Meridian.EXIT_USAGE;
    }
    Optional<RegionSpec> target = loaded.regions().stream().filter(r -> r.name().equals(region)).findFirst();
    if (target.isEmpty()) {
      System.err.println("meridian failover: no region \"" + region + "\" in the spec (regions: " + loaded.regionNames()
          + ")");
      return Meridian.EXIT_USAGE;
    }
    if (!force || !acceptDataLoss) {
      System.err.println("meridian failover: this promotes replicas in " + region + " without a majority's agreement;"
          + " writes the lost primaries acknowledged after their last replication here are lost. Run it only when "
          + "automatic failover cannot act (no leader), with --force --accept-data-loss");
      return Meridian.EXIT_USAGE;
    }
    Map<String, NodeAdmin> admins = new LinkedHashMap<>();
    try {
      for (NodeSpec n : target.get().nodes()) {
        admins.put(n.announced(), new NodeAdmin(n.address(), loaded.auth(), Duration.ofSeconds(3)));
      }
      return takeOver(loaded, admins);
    } finally {
      admins.values().forEach(NodeAdmin::close);
    }
  }

  private int takeOver(ClusterSpec loaded, Map<String, NodeAdmin> admins) {
    ClusterNodesReply view = null;
    for (NodeAdmin a : admins.values()) {
      try {
        view = ClusterNodesReply.parse(a.clusterNodes());
        break;
      } catch (AdminCommandException e) {
        System.out.println("  " + a.node() + " does not answer: " + e.getMessage());
      }
    }
    if (view == null) {
      System.err.println("meridian failover: no node of " + region + " answers; nothing to promote there");
      return Meridian.EXIT_FAILED;
    }
    int promoted = 0;
    int failed = 0;
    for (ClusterNodesReply.Entry primary : view.entries()) {
      if (!primary.isPrimary() || primary.slotCount() == 0 || admins.containsKey(primary.address())
          || answers(primary.address(), loaded)) {
        continue;
      }
      String shard = String.join(",", primary.slotText());
      // The order the leader's failover uses; every candidate is in the region taken over.
      List<CandidateOrder.Candidate> candidates = new ArrayList<>();
      for (ClusterNodesReply.Entry e : view.entries()) {
        if (e.isReplica() && e.masterId().equals(Optional.of(primary.id())) && admins.containsKey(e.address())
            && CandidateOrder.mayPromote(Optional.of(loaded), e.address())) {
          candidates.add(CandidateOrder.of(e.address(), region, offset(admins.get(e.address())), Optional.of(loaded)));
        }
      }
      Optional<CandidateOrder.Candidate> best = candidates.stream()
          .min(CandidateOrder.best(Optional.of(region)));
      if (best.isEmpty()) {
        System.out.println("  shard " + shard + ": primary " + primary.address() + " is down and " + region
            + " has no replica of it that may be promoted");
        failed++;
        continue;
      }
      NodeAdmin admin = admins.get(best.get().address());
      try {
        admin.call("CLUSTER", "FAILOVER", "TAKEOVER");
        if (awaitPrimary(admin)) {
          System.out.println("  shard " + shard + ": " + best.get().address() + " took over from " + primary.address());
          promoted++;
        } else {
          System.out.println("  shard " + shard + ": " + best.get().address() + " did not become primary within "
              + timeoutSeconds + " s");
          failed++;
        }
      } catch (AdminCommandException e) {
        System.out.println("  shard " + shard + ": TAKEOVER on " + best.get().address() + " failed: " + e.getMessage());
        failed++;
      }
    }
    System.out.printf("failover: %d shard(s) taken over in %s, %d failed%n", promoted, region, failed);
    return failed == 0 ? 0 : Meridian.EXIT_FAILED;
  }

  private static boolean answers(String announced, ClusterSpec spec) {
    String address = spec.node(announced).map(NodeSpec::address).orElse(announced);
    try (NodeAdmin probe = new NodeAdmin(address, spec.auth(), Duration.ofSeconds(1))) {
      probe.call("PING");
      return true;
    } catch (AdminCommandException e) {
      return false;
    }
  }

  private static long offset(NodeAdmin admin) {
    return InfoText.parse(admin.info("replication")).number("slave_repl_offset", 0);
  }


  private boolean awaitPrimary(NodeAdmin admin) {
    return io.meridian.runtime.poll.StatusPoll.until(System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds),
        java.time.Duration.ofMillis(100), () -> ClusterNodesReply.parse(admin.clusterNodes()).myself().isPrimary());
  }
}
