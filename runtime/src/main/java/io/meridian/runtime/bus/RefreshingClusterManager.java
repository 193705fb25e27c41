package io.meridian.runtime.bus;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Completable;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's Hazelcast cluster manager, made to read again, after every membership change and
 * merge, which nodes handle each address this process sends to.
 *
 * <p>Why: the event bus keeps, per address, the nodes that handle it, and changes that list only
 * when it hears of a registration added or removed. When every coordinator stops at once, the
 * agents (lite members, holding none of the cluster's data) cannot remove the leavers'
 * registrations ("Failed to handle memberRemoved": no data member), and when the coordinators come
 * back and the agents merge into their cluster, the coordinators' new registrations were made
 * before the merge, so no agent hears of them. The agents then sent every health report to a
 * coordinator that no longer existed, until the next membership change happened to touch those
 * addresses (37 s in {@code FailoverIT}; without a change, for good).
 */
final class RefreshingClusterManager extends HazelcastClusterManager {

  private static final Logger LOG = LoggerFactory.getLogger(RefreshingClusterManager.class);
  /** After a change: soon (once Vert.x's own handling is done), and once more in case it was slow. */
  private static final long[] REFRESH_AFTER_MS = {2_000, 10_000};

  private volatile RegistrationListener listener;
  /** Addresses this process looked up; those it no longer sends to are dropped at each refresh. */
  private final Set<String> looked = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "meridian-bus-refresh");
    t.setDaemon(true);
    return t;
  });

  RefreshingClusterManager(Config config) {
    super(config);
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    this.listener = listener;
    super.registrationListener(listener);
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    looked.add(address);
    super.getRegistrations(address, promise);
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    super.memberAdded(event);
    refreshSoon();
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    super.memberRemoved(event);
    refreshSoon();
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    super.stateChanged(event);
    if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
      refreshSoon();
    }
  }

  @Override
  public void leave(Completable<Void> promise) {
    timer.shutdownNow();
    super.leave(promise);
  }

  private void refreshSoon() {
    for (long delay : REFRESH_AFTER_MS) {
      try {
        timer.schedule(this::refresh, delay, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException leaving) {
        return;
      }
    }
  }

  /** Reads each looked-up address's handlers from the cluster and hands them to the event bus. */
  void refresh() {
    RegistrationListener l = listener;
    if (l == null || !isActive()) {
      return;
    }
    for (String address : looked) {
      if (!l.wantsUpdatesFor(address)) {
        looked.remove(address);
        continue;
      }
      super.getRegistrations(address, (registrations, err) -> {
        if (err == null) {
          l.registrationsUpdated(new RegistrationUpdateEvent(address, registrations));
        } else {
          LOG.debug("cannot read the handlers of {} yet ({}); the next membership change tries again", address,
              err.toString());
        }
      });
    }
  }
}
