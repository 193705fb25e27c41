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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
  public CompletionStage<List<History.Recorded>> append(List<History.Recorded> entries) {
    return number(entries).thenCompose(numbered -> {
      Map<Long, List<History.Recorded>> byGeneration = new TreeMap<>();
      numbered.forEach(r -> byGeneration.computeIfAbsent(r.seq().orElseThrow() / BUCKET_SIZE, g -> new ArrayList<>())
          .add(r));
      CompletableFuture<?>[] writes = byGeneration.entrySet().stream()
          .map(e -> put(e.getKey(), e.getValue())).toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(writes).handle((ok, err) -> {
        if (err != null) {
          throw new CompletionException(new Partial(numbered, unwrap(err)));
        }
        return numbered;
      });
    });
  }

  @Override
  public CompletionStage<List<History.Recorded>> recent() {
    return call(() -> cp().getAtomicLong(prefix + "-seq").getAsync()).thenCompose(next -> {
      if (next == 0) {
        return CompletableFuture.completedFuture(List.of());
      }
      long last = (next - 1) / BUCKET_SIZE;
      List<CompletableFuture<List<History.Recorded>>> reads = new ArrayList<>();
      for (long g = Math.max(0, last - buckets + 1); g <= last; g++) {
        long generation = g;
        reads.add(call(() -> register(generation).getAsync()).thenApply(text -> {
          HistoryBucketCodec.Bucket bucket = read(generation, text);
          return bucket.generation() == generation ? bucket.entries() : List.<History.Recorded>of();
        }));
      }
      return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
        List<History.Recorded> all = new ArrayList<>();
        reads.forEach(r -> all.addAll(r.join()));
        all.sort(Comparator.comparingLong(r -> r.seq().orElseThrow()));
        return List.copyOf(all.subList(Math.max(0, all.size() - capacity), all.size()));
      });
    });
  }

  /** Numbers the entries that have no number, in their order, with one counter operation. */
  private CompletableFuture<List<History.Recorded>> number(List<History.Recorded> entries) {
    long missing = entries.stream().filter(r -> r.seq().isEmpty()).count();
    if (missing == 0) {
      return CompletableFuture.completedFuture(List.copyOf(entries));
    }
    return call(() -> cp().getAtomicLong(prefix + "-seq").getAndAddAsync(missing)).thenApply(first -> {
      List<History.Recorded> numbered = new ArrayList<>();
      long next = first;
      for (History.Recorded r : entries) {
        numbered.add(r.seq().isPresent() ? r : r.numbered(next++));
      }
      return numbered;
    });
  }

  /** Adds the entries to their bucket unless it already holds them or a newer generation. */
  private CompletableFuture<Void> put(long generation, List<History.Recorded> adds) {
    IAtomicReference<String> register;
    try {
      register = register(generation);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return call(register::getAsync).thenCompose(text -> {
      HistoryBucketCodec.Bucket stored = read(generation, text);
      if (stored.generation() > generation) {
        return CompletableFuture.completedFuture(null); // reused for newer entries: these are past the capacity
      }
      List<History.Recorded> merged = new ArrayList<>(stored.generation() == generation ? stored.entries() : List.of());
      Set<Long> have = new HashSet<>();
      merged.forEach(r -> have.add(r.seq().orElseThrow()));
      int before = merged.size();
      adds.stream().filter(r -> !have.contains(r.seq().orElseThrow())).forEach(merged::add);
      if (merged.size() == before) {
        return CompletableFuture.completedFuture(null);
      }
      String update = HistoryBucketCodec.encode(new HistoryBucketCodec.Bucket(generation, merged));
      return call(() -> register.compareAndSetAsync(text, update)).thenCompose(set -> set ? CompletableFuture.<Void>completedFuture(null) : put(generation, adds));
    });
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

  /** Runs a call that may throw at once (the member shutting down) as a failed future instead. */
  private static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
    try {
      return call.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable unwrap(Throwable err) {
    return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
  }
}
