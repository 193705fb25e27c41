package io.meridian.coordinator.leadership;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.meridian.runtime.bus.BusProcess;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This coordinator's place in the leadership cluster: the {@link LeadershipMember} it runs now, which
 * it can replace with a fresh one inside the process. Why replace: a CP member is an identity, and
 * one that the CP group removed (cut off or frozen longer than the auto-removal) never returns
 * under it (hazelcast/hazelcast#24897); only a new Hazelcast instance, with a new identity, can be
 * promoted again. Components bound to the member follow it through {@link Listener}.
 *
 * <p>Tells its process ({@link BusProcess#alongside}) when the member is lost for good: it shut down
 * on its own, a replacement failed, or this coordinator gave up rejoining. A replacement it makes
 * on purpose is not a loss.
 */
public final class LeadershipCluster implements BusProcess.Companion {

  private static final Logger LOG = LoggerFactory.getLogger(LeadershipCluster.class);

  /** Hears about a replacement, on the thread that makes it. */
  public interface Listener {
    /** The member is about to go: stop using it (leadership on it is revoked with {@code reason}). */
    void retiring(HazelcastInstance old, String reason);

    /** The new member is up: bind to it. */
    void replaced(HazelcastInstance next);
  }

  private final LeadershipMember.Settings settings;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<String> lost = new CompletableFuture<>();
  private final AtomicBoolean active = new AtomicBoolean(true);
  private volatile HazelcastInstance current;
  /** The member being shut down on purpose: its shutdown is no loss. */
  private volatile HazelcastInstance retiring;

  private LeadershipCluster(LeadershipMember.Settings settings, HazelcastInstance first) {
    this.settings = settings;
    this.current = watch(first);
  }

  /** Starts the first member (see {@link LeadershipMember#start}). */
  public static Future<LeadershipCluster> start(LeadershipMember.Settings settings) {
    return LeadershipMember.start(settings).map(first -> new LeadershipCluster(settings, first));
  }

  /** The member this coordinator runs now. */
  public HazelcastInstance current() {
    return current;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /**
   * Replaces the member with a new one (same settings, new identity): listeners first stop using
   * the old one, which is terminated (a graceful shutdown of a removed CP member waits on the CP
   * group for nothing), then the new one starts and listeners bind to it. Blocking: call on a
   * worker. When the new member cannot start, the process is told it lost its member.
   */
  public synchronized void replace(String reason) {
    if (!active.get()) {
      return;
    }
    HazelcastInstance old = current;
    LOG.atWarn().addKeyValue("reason", reason).addKeyValue("leadershipCluster", settings.cluster())
        .log("replacing this coordinator's leadership member ({}:{}) with a new one: {}. Leadership on the old "
            + "member is revoked first; the new member joins under a new identity and takes the free CP seat",
            settings.host(), settings.port(), reason);
    listeners.forEach(l -> tell(() -> l.retiring(old, reason)));
    retiring = old;
    old.getLifecycleService().terminate();
    HazelcastInstance next;
    try {
      next = LeadershipMember.start(settings).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      giveUp("interrupted while starting a new leadership member to rejoin the CP group (" + reason + ")");
      return;
    } catch (Exception e) {
      giveUp("could not start a new leadership member to rejoin the CP group (" + reason + "): " + e.getMessage());
      return;
    }
    if (!active.get()) {
      next.getLifecycleService().terminate();
      return;
    }
    current = watch(next);
    LOG.atInfo().addKeyValue("member", next.getCluster().getLocalMember().getUuid())
        .log("new leadership member up on {}:{} (cluster member {}); it takes a new CP identity when it joins the "
            + "CP group at its next check", settings.host(), settings.port(), next.getCluster().getLocalMember().getUuid());
    listeners.forEach(l -> tell(() -> l.replaced(next)));
  }

  /** Ends the process (through {@link BusProcess#lost()}), which says {@code reason} at ERROR. */
  public void giveUp(String reason) {
    if (active.get()) {
      lost.complete(reason);
    }
  }

  @Override
  public void whenLost(Consumer<String> listener) {
    lost.thenAccept(listener);
  }

  /** Leaves the leadership cluster; idempotent. */
  @Override
  public void close() {
    if (active.compareAndSet(true, false)) {
      listeners.clear();
      current.shutdown();
    }
  }

  /**
   * Hazelcast can shut a member down on its own (it did, for a coordinator that tried to found the
   * CP group again): then the process must not live on without it.
   */
  private HazelcastInstance watch(HazelcastInstance member) {
    member.getLifecycleService().addLifecycleListener(event -> {
      try {
        if (event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN && active.get() && member != retiring) {
          giveUp("its leadership cluster member shut down on its own (state " + event.getState()
              + "); the log above says why");
        }
      } catch (Throwable t) {
        LOG.warn("could not handle the leadership member's lifecycle event {}: {}", event.getState(), t.toString());
      }
    });
    return member;
  }

  private static void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("a component did not follow the replaced leadership member: {}", e.toString(), e);
    }
  }
}
