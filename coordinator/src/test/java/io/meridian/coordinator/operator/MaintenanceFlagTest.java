package io.meridian.coordinator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meridian.runtime.testing.FreePorts;
import io.meridian.coordinator.testing.BlockedWorkers;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Given a coordinator whose shared worker pool is full (the bus's Hazelcast calls block there for
 * seconds during a cut), when an operator pauses and the leader reads the flag, then both complete:
 * the flag's CP calls have threads of their own. A real Hazelcast member holds the flag (one
 * member, the CP subsystem in its single-member mode).
 */
class MaintenanceFlagTest {

  private final BlockedWorkers workers = new BlockedWorkers();
  private final Vertx vertx = workers.vertx;
  private HazelcastInstance member;

  @AfterEach
  void close() throws Exception {
    workers.close();
    if (member != null) {
      member.getLifecycleService().terminate();
    }
  }

  @Test
  void anOperatorsPauseAndTheLeadersReadDoNotWaitBehindABlockedSharedPool() throws Exception {
    Config config = new Config().setClusterName("maintenance-flag-test-" + System.nanoTime());
    config.getNetworkConfig().setPort(FreePorts.range(1)).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    member = Hazelcast.newHazelcastInstance(config);
    MaintenanceMode mode = new MaintenanceMode(() -> member, "test");

    workers.fill();

    AtomicReference<MaintenanceFlag> flag = new AtomicReference<>();
    AtomicReference<Long> pausedSince = new AtomicReference<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      flag.set(new MaintenanceFlag(vertx, Optional.of(mode)));
      flag.get().set(true, 1_700_000_000_000L).onSuccess(pausedSince::set);
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> pausedSince.get() != null);
    assertThat(pausedSince.get()).isEqualTo(1_700_000_000_000L);
    assertThat(mode.since()).as("in the CP group").isEqualTo(1_700_000_000_000L);

    // Another coordinator's operator resumed: this one's leader reads it on its next refresh.
    mode.set(false, 0);
    vertx.getOrCreateContext().runOnContext(v -> flag.get().refresh());
    await().atMost(Duration.ofSeconds(10)).until(() -> !flag.get().paused());
    assertThat(workers.stillFull()).as("the shared pool is still full").isTrue();
  }
}
