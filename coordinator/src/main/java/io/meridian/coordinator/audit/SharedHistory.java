package io.meridian.coordinator.audit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares this coordinator's history through the CP group and answers {@code /api/v1/history}
 * from there, so that every coordinator answers the same, before and after a leader change.
 * Entries are written behind, in batches, a moment after they are recorded (never on the path of
 * a decision); while the CP group does not answer (a minority side) they wait here, bounded, and
 * the API answers from this coordinator's own entries and says so. One context only.
 */
public final class SharedHistory {

  private static final Logger LOG = LoggerFactory.getLogger(SharedHistory.class);
  /** A read that takes longer is answered from this coordinator's own entries instead. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

  private final Vertx vertx;
  private final History local;
  private final Optional<HistoryStore> store;
  private final int capacity;
  private long timer = -1;
  /** The batch being written, if any: at most one write at a time, so the order stays. */
  private List<History.Recorded> writing = List.of();
  private boolean busy;
  private Optional<String> failing = Optional.empty();
  private Promise<Void> closed;
  /**
   * Writes and reads each on a thread of their own: a CP call (even the lookup of a register)
   * blocks while the group has no majority, which must stall neither the event loop nor the shared
   * workers. Created with the first use.
   */
  private WorkerExecutor writer;
  private WorkerExecutor reader;
  /** When the read under way started (nanoTime), if one is: a new request does not queue behind it. */
  private Optional<Long> readingSince = Optional.empty();

  /**
   * @param store    empty when leadership is off (no CP group): the history is then this coordinator's own
   * @param capacity how many entries the API shows at most
   */
  public SharedHistory(Vertx vertx, History local, Optional<HistoryStore> store, int capacity) {
    this.vertx = vertx;
    this.local = local;
    this.store = store;
    this.capacity = capacity;
  }

  /** Writes what was recorded every {@code every}. */
  public void start(Duration every) {
    if (store.isPresent()) {
      timer = vertx.setPeriodic(every.toMillis(), id -> share());
    }
  }

  /** Entries recorded here and not yet in the CP group; 0 without one (nothing is waiting to go there). */
  public int unshared() {
    return store.isEmpty() ? 0 : local.pending().size() + writing.size();
  }

  /** Writes the entries recorded since the last write, unless a write is under way. */
  public void share() {
    if (store.isEmpty() || busy) {
      return;
    }
    List<History.Recorded> batch = local.takeUnshared();
    if (batch.isEmpty()) {
      finishClose();
      return;
    }
    busy = true;
    writing = batch;
    // No timeout of our own: a write given up here could still land, and be written again under
    // new numbers. Hazelcast ends a call the CP group cannot answer; meanwhile entries wait.
    workers();
    writer.<List<History.Recorded>>executeBlocking(() -> store.get().append(batch), false).onComplete(ar -> {
      busy = false;
      writing = List.of();
      if (ar.succeeded()) {
        if (failing.isPresent()) {
          LOG.atInfo().log("the shared history is written to the CP group again");
          failing = Optional.empty();
        }
      } else {
        Throwable cause = ar.cause();
        local.unshared(cause instanceof HistoryStore.Partial p ? p.numbered() : batch);
        if (failing.isEmpty()) {
          LOG.atWarn().addKeyValue("waiting", local.pending().size()).log("cannot write the shared history to the CP "
              + "group ({}): this coordinator keeps its newest {} entries and writes them when the group answers",
              cause.toString(), capacity);
        }
        failing = Optional.of(cause.toString());
      }
      finishClose();
    });
  }

  /**
   * What this coordinator shows as the history.
   *
   * @param source  {@code cp-group} (the shared history, with this coordinator's entries not yet
   *                written) or {@code local} (its own entries only)
   * @param note    why it is {@code local}
   */
  public record Shown(String source, List<History.Recorded> entries, Optional<String> note) {
  }

  /** The history as {@code /api/v1/history} answers it, oldest first. */
  public Future<Shown> read() {
    if (store.isEmpty()) {
      return Future.succeededFuture(local("leadership is disabled on this coordinator: there is no "
          + "CP group to share the history through, so these are this coordinator's own entries"));
    }
    if (readingSince.isPresent()) {
      return Future.succeededFuture(local("a read of the CP group has been under way for "
          + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - readingSince.get())
          + " s without an answer: these are this coordinator's own entries only"));
    }
    readingSince = Optional.of(System.nanoTime());
    workers();
    Promise<List<History.Recorded>> answer = Promise.promise();
    long timer = vertx.setTimer(READ_TIMEOUT.toMillis(), id -> answer.tryFail(new TimeoutException()));
    reader.<List<History.Recorded>>executeBlocking(() -> store.get().recent(), false).onComplete(ar -> {
      readingSince = Optional.empty();
      vertx.cancelTimer(timer);
      answer.handle(ar);
    });
    return answer.future()
        .map(stored -> {
          Set<Long> have = new HashSet<>();
          stored.forEach(r -> have.add(r.seq().orElseThrow()));
          List<History.Recorded> shown = new ArrayList<>(stored);
          // This coordinator's newest entries, not written yet, so that what it just did shows at once.
          List<History.Recorded> waiting = new ArrayList<>(writing);
          waiting.addAll(local.pending());
          waiting.stream().filter(r -> r.seq().isEmpty() || !have.contains(r.seq().getAsLong())).forEach(shown::add);
          List<History.Recorded> newest = shown.subList(Math.max(0, shown.size() - capacity), shown.size());
          return new Shown("cp-group", List.copyOf(newest), Optional.empty());
        })
        .recover(err -> Future.succeededFuture(local("the CP group did not answer ("
            + (err instanceof TimeoutException ? "no answer within " + READ_TIMEOUT.toSeconds() + " s"
            : err.toString()) + "): these are this coordinator's own entries only")));
  }

  private void workers() {
    if (writer == null) {
      writer = vertx.createSharedWorkerExecutor("meridian-history-writer-" + local.by(), 1);
      reader = vertx.createSharedWorkerExecutor("meridian-history-reader-" + local.by(), 1);
    }
  }

  /** Stops the periodic write after one last attempt to write what waits (bounded by {@code within}). */
  public Future<Void> close(Duration within) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (store.isEmpty()) {
      return Future.succeededFuture();
    }
    closed = Promise.promise();
    Future<Void> done = closed.future();
    vertx.setTimer(within.toMillis(), id -> closed.tryComplete());
    share();
    // A call still blocked in the CP group keeps its thread until Hazelcast gives up; the executors are let go.
    return done.andThen(ar -> {
      if (writer != null) {
        writer.close();
        reader.close();
      }
    });
  }

  private void finishClose() {
    if (closed != null && !busy) {
      closed.tryComplete();
    }
  }

  private Shown local(String note) {
    List<History.Recorded> own = local.entries().stream()
        .map(e -> new History.Recorded(OptionalLong.empty(), local.by(), e)).toList();
    return new Shown("local", own, Optional.of(note));
  }
}
