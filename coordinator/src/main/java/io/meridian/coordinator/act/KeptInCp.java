package io.meridian.coordinator.act;

import io.meridian.coordinator.state.TermRegister;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A piece of leader state kept in the CP group: claimed once per term before the leader acts on
 * it (what the previous leader left is handed over then), saved after it changes, one write at a
 * time. The register blocks, so its calls run on workers of their own; everything else on the
 * coordinator's context.
 */
final class KeptInCp<T> {

  private static final Logger LOG = LoggerFactory.getLogger(KeptInCp.class);
  /**
   * Threads for the registers' calls, shared by every piece of leader state (one each for the
   * failover memory, the holds and the jobs). Not the shared worker pool: that has 4 threads, and
   * the bus's Hazelcast calls fill it for seconds during a cut, exactly when a new leader must read
   * what its predecessor left before it fails anything over (decision 013 found that for the fence).
   */
  static final String POOL = "meridian-leader-state";
  static final int POOL_SIZE = 3;

  private final WorkerExecutor workers;
  private final TermRegister<T> register;
  private final String what;
  private long loadedFor = -1;
  private boolean loading;
  private boolean saving;
  private T saved;
  /** A failed claim is logged once until one succeeds (it is retried every cycle). */
  private boolean claimFailureLogged;
  /** Bumped when leadership is lost: a claim or save under way for an old term is then ignored. */
  private int generation;

  /** @param what what it holds, for the log ("the rebalancer's operator holds") */
  KeptInCp(Vertx vertx, TermRegister<T> register, String what) {
    this.workers = vertx.createSharedWorkerExecutor(POOL, POOL_SIZE);
    this.register = register;
    this.what = what;
  }

  /**
   * True once the state was claimed for {@code term}; until then starts the claim (once) and
   * answers false. When the claim completes, {@code handover} gets what the previous leader left
   * (empty when none did), on the coordinator's context.
   */
  boolean claimed(long term, Consumer<Optional<T>> handover) {
    if (loadedFor == term) {
      return true;
    }
    if (!loading) {
      loading = true;
      int claiming = generation;
      workers.executeBlocking(() -> register.claim(term), false).onComplete(ar -> {
        loading = false;
        if (claiming != generation) {
          return;
        }
        if (ar.failed()) {
          if (!claimFailureLogged) {
            LOG.atWarn().addKeyValue("term", term).log("cannot read {} from the CP group yet ({}); not acting on it "
                + "until it is read (retried every cycle)", what, ar.cause().toString());
            claimFailureLogged = true;
          }
          return;
        }
        claimFailureLogged = false;
        loadedFor = term;
        saved = ar.result().orElse(null);
        handover.accept(ar.result());
      });
    }
    return false;
  }

  /** True once the state was claimed for {@code term} (without starting a claim). */
  boolean holds(long term) {
    return loadedFor == term;
  }

  /** Writes {@code value} unless it is what was saved last or a write is under way (the next call follows it). */
  void save(T value, long term) {
    if (loadedFor != term || saving || Objects.equals(value, saved)) {
      return;
    }
    saving = true;
    int started = generation;
    workers.executeBlocking(() -> register.save(value, term), false).onComplete(ar -> {
      saving = false;
      if (started != generation) {
        return;
      }
      if (ar.succeeded() && ar.result()) {
        saved = value;
      } else if (ar.succeeded()) {
        LOG.atWarn().addKeyValue("term", term).log("a later leader holds {}: this coordinator no longer leads", what);
      } else {
        LOG.atWarn().addKeyValue("term", term).log("could not save {} to the CP group ({}); retrying at the next cycle",
            what, ar.cause().toString());
      }
    });
  }

  /** Leadership lost: the next term claims afresh. */
  void reset() {
    generation++;
    loadedFor = -1;
    loading = false;
    saving = false;
    saved = null;
  }
}
