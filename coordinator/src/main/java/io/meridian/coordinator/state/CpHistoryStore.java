package io.meridian.coordinator.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPSubsystem;
import com.hazelcast.cp.IAtomicReference;
import io.meridian.coordinator.audit.History;
import io.meridian.coordinator.audit.HistoryStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared history in the coordinators' CP group, so that it survives any minority of
 * coordinators and reads the same on each. A CP counter numbers the entries (one order for every
 * writer); entries live in a ring of small registers ("buckets") of {@value #BUCKET_SIZE}
 * consecutive numbers each, written by compare-and-set, so that an append is one small Raft entry
 * rather than a rewrite of the whole history, and a bucket reused for newer numbers drops the
 * oldest. Writers may be several coordinators at once (a deposed leader still reports what it
 * did): each keeps only its own numbers, and a numbered entry written twice is stored once.
 * Blocking: every call, the lookup of a register included, waits for the CP group.
 */
public final class CpHistoryStore implements HistoryStore {

  static final int BUCKET_SIZE = 25;
  private static final Logger LOG = LoggerFactory.getLogger(CpHistoryStore.class);

  /** The leadership member now: a coordinator that rejoins the CP group does so with a new instance. */
  private final Supplier<HazelcastInstance> hazelcast;
  private final String prefix;
  private final int capacity;
  private final int buckets;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** @param capacity how many of the most recent entries are kept (and read) */
  public CpHistoryStore(Supplier<HazelcastInstance> hazelcast, String cluster, int capacity) {
    this.hazelcast = hazelcast;
    this.prefix = "meridian-history-" + cluster;
    this.capacity = capacity;
    // One bucket more than the capacity needs: the newest is usually being filled.
    this.buckets = (capacity + BUCKET_SIZE - 1) / BUCKET_SIZE + 1;
  }

  @Override
  public List<History.Recorded> append(List<History.Recorded> entries) {
    List<History.Recorded> numbered = number(entries);
    try {
      Map<Long, List<History.Recorded>> byGeneration = new TreeMap<>();
      numbered.forEach(r -> byGeneration.computeIfAbsent(r.seq().orElseThrow() / BUCKET_SIZE, g -> new ArrayList<>())
          .add(r));
      byGeneration.forEach(this::put);
      return numbered;
    } catch (RuntimeException e) {
      throw new Partial(numbered, e);
    }
  }

  @Override
  public List<History.Recorded> recent() {
    long next = cp().getAtomicLong(prefix + "-seq").get();
    if (next == 0) {
      return List.of();
    }
    long last = (next - 1) / BUCKET_SIZE;
    // The registers are looked up here, on the caller's thread (a lookup may block), and read all at once.
    Map<Long, CompletableFuture<String>> reads = new TreeMap<>();
    for (long g = Math.max(0, last - buckets + 1); g <= last; g++) {
      reads.put(g, register(g).getAsync().toCompletableFuture());
    }
    List<History.Recorded> all = new ArrayList<>();
    reads.forEach((generation, read) -> {
      HistoryBucketCodec.Bucket bucket = read(generation, read.join());
      if (bucket.generation() == generation) {
        all.addAll(bucket.entries());
      }
    });
    all.sort(Comparator.comparingLong(r -> r.seq().orElseThrow()));
    return List.copyOf(all.subList(Math.max(0, all.size() - capacity), all.size()));
  }

  /** Numbers the entries that have no number, in their order, with one counter operation. */
  private List<History.Recorded> number(List<History.Recorded> entries) {
    long missing = entries.stream().filter(r -> r.seq().isEmpty()).count();
    if (missing == 0) {
      return List.copyOf(entries);
    }
    long next = cp().getAtomicLong(prefix + "-seq").getAndAdd(missing);
    List<History.Recorded> numbered = new ArrayList<>();
    for (History.Recorded r : entries) {
      numbered.add(r.seq().isPresent() ? r : r.numbered(next++));
    }
    return numbered;
  }

  /** Adds the entries to their bucket unless it already holds them or a newer generation. */
  private void put(long generation, List<History.Recorded> adds) {
    IAtomicReference<String> register = register(generation);
    while (true) {
      String text = register.get();
      HistoryBucketCodec.Bucket stored = read(generation, text);
      if (stored.generation() > generation) {
        return; // reused for newer entries: these are past the capacity
      }
      List<History.Recorded> merged = new ArrayList<>(stored.generation() == generation ? stored.entries() : List.of());
      Set<Long> have = new HashSet<>();
      merged.forEach(r -> have.add(r.seq().orElseThrow()));
      int before = merged.size();
      adds.stream().filter(r -> !have.contains(r.seq().orElseThrow())).forEach(merged::add);
      if (merged.size() == before
          || register.compareAndSet(text, HistoryBucketCodec.encode(new HistoryBucketCodec.Bucket(generation, merged)))) {
        return;
      }
    }
  }

  /** The bucket as stored; an empty one of generation -1 when there is none or it is unreadable (logged once). */
  private HistoryBucketCodec.Bucket read(long generation, String text) {
    if (text == null) {
      return new HistoryBucketCodec.Bucket(-1, List.of());
    }
    try {
      return HistoryBucketCodec.decode(text);
    } catch (IllegalArgumentException e) {
      if (reported.add(name(generation) + "#" + text.hashCode())) {
        LOG.atError().addKeyValue("register", name(generation)).log("a bucket of the shared history in the CP group is "
            + "unreadable ({}): its entries are skipped, and the next write there replaces it", e.getMessage());
      }
      return new HistoryBucketCodec.Bucket(-1, List.of());
    }
  }

  private IAtomicReference<String> register(long generation) {
    return cp().getAtomicReference(name(generation));
  }

  private String name(long generation) {
    return prefix + "-" + Math.floorMod(generation, buckets);
  }

  private CPSubsystem cp() {
    return hazelcast.get().getCPSubsystem();
  }
}
