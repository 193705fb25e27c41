package io.meridian.runtime.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopPollTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void reportsEachNewStatusOnceAndYieldsTheValueTheCheckAccepted() throws Exception {
    Iterator<Integer> values = List.of(1, 1, 2, 3).iterator();
    List<String> progress = new CopyOnWriteArrayList<>();
    Integer got = on(() -> EventLoopPoll.await(vertx, "three", Duration.ofSeconds(30), Duration.ofMillis(1),
        () -> Future.succeededFuture(values.next()), v -> v == 3 ? null : v + "/3", progress::add)).get(5,
        TimeUnit.SECONDS);
    assertThat(got).isEqualTo(3);
    assertThat(progress).containsExactly("1/3", "2/3");
  }

  @Test
  void givesUpAtTheDeadlineSayingWhatItWaitedForAndTheLastStatus() {
    CompletableFuture<Integer> waited = on(() -> EventLoopPoll.await(vertx, "three", Duration.ofMillis(30),
        Duration.ofMillis(5), () -> Future.succeededFuture(2), v -> v + "/3", s -> { }));
    assertThat(waited).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
        .withMessageContaining("gave up after 0 s waiting for three (2/3)");
  }

  @Test
  void aFailedLookEndsTheWaitWithItsFailure() {
    IllegalStateException lost = new IllegalStateException("leadership lost");
    CompletableFuture<Integer> waited = on(() -> EventLoopPoll.await(vertx, "three", Duration.ofSeconds(30),
        Duration.ofMillis(5), () -> Future.<Integer>failedFuture(lost), v -> "never", s -> { }));
    assertThat(waited).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(Exception.class).havingCause()
        .isSameAs(lost);
  }

  private <T> CompletableFuture<T> on(Supplier<Future<T>> wait) {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> wait.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    return done;
  }
}
