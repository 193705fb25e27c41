package io.meridian.coordinator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.coordinator.state.TermRegister;
import io.meridian.coordinator.testing.BlockedWorkers;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Given a coordinator whose shared worker pool is full (the bus's Hazelcast calls block there for
 * seconds during a cut), when it is elected, then it still reads and saves its leader state: the
 * registers' calls have threads of their own.
 */
class KeptInCpTest {

  private final BlockedWorkers workers = new BlockedWorkers();
  private final Vertx vertx = workers.vertx;

  @AfterEach
  void close() throws Exception {
    workers.close();
  }

  @Test
  void aNewLeaderReadsAndSavesItsStateWhileTheSharedWorkersAreBlocked() {
    workers.fill();

    AtomicReference<String> stored = new AtomicReference<>("left by the previous leader");
    TermRegister<String> register = new TermRegister<>() {
      @Override
      public Optional<String> claim(long term) {
        return Optional.of(stored.get());
      }

      @Override
      public boolean save(String value, long term) {
        stored.set(value);
        return true;
      }
    };
    AtomicReference<KeptInCp<String>> kept = new AtomicReference<>();
    AtomicReference<Optional<String>> handedOver = new AtomicReference<>();
    AtomicBoolean claimed = new AtomicBoolean();
    // As the leader's tick does, on the coordinator's one context: claim, and once claimed, save.
    vertx.getOrCreateContext().runOnContext(v -> {
      kept.set(new KeptInCp<>(vertx, register, "a test's state"));
      vertx.setPeriodic(50, id -> {
        if (kept.get().claimed(9, handedOver::set)) {
          claimed.set(true);
          kept.get().save("saved by the new leader", 9);
          vertx.cancelTimer(id);
        }
      });
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> "saved by the new leader".equals(stored.get()));
    assertThat(handedOver.get()).contains("left by the previous leader");
    assertThat(claimed).isTrue();
    assertThat(workers.stillFull()).as("the shared pool is still full").isTrue();
  }
}
