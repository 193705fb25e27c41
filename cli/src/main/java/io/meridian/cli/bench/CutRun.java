package io.meridian.cli.bench;

import io.meridian.agent.redis.ClusterNodesReply;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

/**
 * One real cut of one region, with a client on each side: a cluster-mode client in a region that
 * stays connected, writing to the shards whose primary is in the cut region, and a client inside
 * the cut region writing to its local primary. Measures what they went through ({@link CutFigures}),
 * whether the shard failed over, who led during the cut and after, and how long after the heal
 * the CP group was whole again.
 */
public final class CutRun {

  /** Time the writers run, once both write, before the cut; and after the heal. */
  static final Duration LEAD = Duration.ofSeconds(2);
  static final Duration TAIL = Duration.ofSeconds(12);
  /** The writers' own bound, should nobody stop them. */
  static final Duration WRITERS_AT_MOST = Duration.ofMinutes(10);
  static final Duration WRITE_INTERVAL = Duration.ofMillis(10);

  /**
   * @param leaderDuringCut the leader's region (1-based) as the majority side knew it near the end of the cut
   * @param leaderAfter     the leader's region after the heal
   * @param cpBackMs        from the heal until every coordinator was in the CP group again; -1 if not within 60 s
   */
  public record Result(String scenario, String system, int region, long cutMs, boolean failedOver,
      Optional<Integer> leaderDuringCut, Optional<Integer> leaderAfter, long cpBackMs, CutFigures figures) {
  }

  private CutRun() {
  }

  /** Cuts region {@code region} (0-based) off for {@code cutFor}, then joins it and waits for it to settle. */
  public static Result cut(PartitionCluster cluster, String scenario, int region, Duration cutFor, Path dir,
      PrintStream log) throws IOException, InterruptedException {
    return cut(cluster, scenario, region, cutFor, false, dir, log);
  }

  /**
   * @param redisOnly cut only the region's Redis ports (client and cluster bus) from the other
   *                  regions: its agents and coordinator still talk to the rest on the event bus
   */
  public static Result cut(PartitionCluster cluster, String scenario, int region, Duration cutFor, boolean redisOnly,
      Path dir, PrintStream log) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int majority = region == 0 ? 1 : 0;
    List<ClusterNodesReply.Entry> primaries = cluster.primaries(majority);
    List<ClusterNodesReply.Entry> local = primaries.stream().filter(p -> cluster.regionOf(p.address()) == region).toList();
    // A region without a primary (its shard failed over earlier and is not back) loses nothing:
    // the majority client then writes to every shard, and the one inside writes to a replica.
    List<ClusterNodesReply.Entry> affected = local.isEmpty() ? primaries : local;
    List<String> majorityTags = affected.stream().map(cluster::tag).toList();
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < cluster.regions(); i++) {
      if (i != region) {
        seeds.addAll(cluster.nodes(i));
      }
    }
    String inside = local.isEmpty() ? cluster.node(region, 0) : local.get(0).address();
    List<String> insideTags = local.isEmpty() ? List.of("local") : List.of(cluster.tag(local.get(0)));
    Map<String, String> primaryBefore = new LinkedHashMap<>();
    affected.forEach(p -> primaryBefore.put(p.slotText().get(0), p.address()));
    log.printf("- %s: cutting region-%d (%s) off%s for %d ms; its primaries: %s%n", scenario, region + 1,
        cluster.lab().host(region), redisOnly ? " on its Redis ports only" : "", cutFor.toMillis(), local.stream().map(ClusterNodesReply.Entry::address).toList());

    Path majorityAcks = dir.resolve("majority.acks");
    Path insideAcks = dir.resolve("cut-side.acks");
    // Keys unique to this cut: a later cut of the same region writes to the same shards, and its
    // lost writes counted as kept when an earlier cut had written (and kept) the same key names.
    String run = Long.toString(System.currentTimeMillis(), 36);
    Process majorityWriter = cluster.writer(majority, true, seeds, majorityTags, "majority-" + run, WRITE_INTERVAL,
        WRITERS_AT_MOST, majorityAcks, dir.resolve("writers.log"));
    Process insideWriter = cluster.writer(region, false, List.of(inside), insideTags, "cut-" + run, WRITE_INTERVAL,
        WRITERS_AT_MOST, insideAcks, dir.resolve("writers.log"));
    // A writer's JVM and client take seconds to start: cut only once both are writing.
    cluster.await("both writers to get acknowledgements", Duration.ofSeconds(60), () ->
        lines(majorityAcks) < 20 ? "majority writer starting (" + majorityAcks + ")"
            : local.isEmpty() || lines(insideAcks) >= 20 ? null : "cut-side writer starting (" + insideAcks + ")");
    pause(LEAD);
    // Taken just before the link goes down: a write acknowledged in between counts as during the cut.
    long cutAt = PartitionWriter.micros(Instant.now());
    if (redisOnly) {
      cluster.lab().cutPorts(region, cluster.redisPorts());
    } else {
      cluster.lab().cut(region);
    }
    pause(cutFor.minus(Duration.ofMillis(Math.min(2000, cutFor.toMillis() / 2))));
    Optional<Integer> during = cluster.leaderRegion(majority);
    pause(Duration.ofMillis(Math.min(2000, cutFor.toMillis() / 2)));
    if (redisOnly) {
      cluster.lab().joinPorts(region, cluster.redisPorts());
    } else {
      cluster.lab().join(region);
    }
    long joinedAt = System.nanoTime();
    long cpBackMs = -1;
    if (cluster.meridian()) {
      long deadline = joinedAt + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && cluster.cpMembers() < cluster.regions()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
      }
      if (cluster.cpMembers() == cluster.regions()) {
        cpBackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinedAt);
      }
    }
    pause(TAIL);
    Files.writeString(PartitionWriter.stopFile(majorityAcks), "");
    Files.writeString(PartitionWriter.stopFile(insideAcks), "");
    for (Process writer : List.of(majorityWriter, insideWriter)) {
      if (!writer.waitFor(30, TimeUnit.SECONDS)) {
        writer.destroyForcibly();
        throw new IllegalStateException("a writer did not stop by itself; see " + dir.resolve("writers.log"));
      }
    }
    long endAt = PartitionWriter.micros(Instant.now());
    cluster.awaitSettled(Duration.ofSeconds(90));
    List<CutFigures.Ack> majorityList = read(majorityAcks);
    List<CutFigures.Ack> insideList = read(insideAcks);
    Set<String> present = present(seeds, majorityList, insideList);
    Map<String, String> primaryAfter = new LinkedHashMap<>();
    cluster.primaries(majority).forEach(p -> primaryAfter.put(p.slotText().get(0), p.address()));
    boolean failedOver = primaryBefore.entrySet().stream()
        .anyMatch(e -> !e.getValue().equals(primaryAfter.get(e.getKey())));
    CutFigures figures = CutFigures.of(majorityList, insideList, cutAt, endAt, present, failedOver);
    Result result = new Result(scenario, cluster.meridian() ? "meridian" : "native", region + 1, cutFor.toMillis(),
        failedOver, during.map(r -> r + 1), cluster.leaderRegion(majority).map(r -> r + 1), cpBackMs, figures);
    log.printf("  %s%n", result);
    return result;
  }

  private static long lines(Path file) {
    try (java.util.stream.Stream<String> all = Files.lines(file)) {
      return all.count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  private static List<CutFigures.Ack> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(CutFigures.Ack::parse).toList();
  }

  /**
   * The acknowledged keys still there after the heal, read from the primaries through a cluster
   * client on the majority's side. Not from replicas (Redisson's default): a replica that has not
   * yet full-resynced from its new primary still holds writes the primary discarded, and they
   * counted as kept.
   */
  private static Set<String> present(List<String> seeds, List<CutFigures.Ack> a, List<CutFigures.Ack> b) {
    Config config = new Config();
    config.useClusterServers().addNodeAddress(seeds.stream().map(s -> "redis://" + s).toArray(String[]::new))
        .setTimeout(3000).setRetryAttempts(3).setReadMode(ReadMode.MASTER);
    config.setCodec(StringCodec.INSTANCE);
    RedissonClient client = Redisson.create(config);
    try {
      Map<String, List<String>> bySlotTag = new LinkedHashMap<>();
      for (List<CutFigures.Ack> acks : List.of(a, b)) {
        acks.forEach(ack -> bySlotTag.computeIfAbsent(ack.key().substring(0, ack.key().indexOf('}') + 1),
            t -> new ArrayList<>()).add(ack.key()));
      }
      Set<String> present = new HashSet<>();
      for (List<String> keys : bySlotTag.values()) {
        for (int from = 0; from < keys.size(); from += 500) {
          present.addAll(client.getBuckets().get(keys.subList(from, Math.min(keys.size(), from + 500))
              .toArray(String[]::new)).keySet());
        }
      }
      return present;
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private static void pause(Duration d) {
    LockSupport.parkNanos(d.toNanos());
  }
}
