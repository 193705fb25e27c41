package io.meridian.coordinator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write-behind and read-through logic around the store, over an in-memory store whose
 * availability the test switches (the CP store itself is exercised in CpHistoryStoreIT): entries
 * wait while the store does not answer and arrive once, in order, when it does; the API answers
 * from this coordinator's own entries and says why while it cannot read the store.
 */
class SharedHistoryTest {

  private final Vertx vertx = Vertx.vertx();
  private final io.vertx.core.Context context = vertx.getOrCreateContext();
  private final History history = new History("coordinator-1", 100);

  /** A store that numbers like the CP one and can be made to fail, or to fail after numbering. */
  private static final class SwitchableStore implements HistoryStore {
    final List<History.Recorded> stored = new ArrayList<>();
    long next;
    volatile boolean down;
    volatile boolean failAfterNumbering;

    @Override
    public synchronized List<History.Recorded> append(List<History.Recorded> entries) {
      if (down) {
        throw new IllegalStateException("CP group has no majority");
      }
      List<History.Recorded> numbered = new ArrayList<>();
      entries.forEach(r -> numbered.add(r.seq().isPresent() ? r : r.numbered(next++)));
      if (failAfterNumbering) {
        failAfterNumbering = false;
        throw new Partial(numbered, new IllegalStateException("timed out"));
      }
      numbered.stream().filter(r -> stored.stream().noneMatch(s -> s.seq().equals(r.seq()))).forEach(stored::add);
      return numbered;
    }

    @Override
    public synchronized List<History.Recorded> recent() {
      if (down) {
        throw new IllegalStateException("CP group has no majority");
      }
      return List.copyOf(stored);
    }
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static History.Entry entry(String text) {
    return new History.Entry(Instant.parse("2026-12-05T04:00:00Z"), 3, "0-5460", "decision", text, Optional.empty());
  }

  private SharedHistory shared(Optional<HistoryStore> store) throws Exception {
    return onContext(context, () -> new SharedHistory(vertx, history, store, 100));
  }

  /** Runs {@code action} on the history's context and waits for it. */
  private <T> T onContext(io.vertx.core.Context context, java.util.concurrent.Callable<T> action) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(action.call());
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  private SharedHistory.Shown document(io.vertx.core.Context context, SharedHistory shared) throws Exception {
    CompletableFuture<SharedHistory.Shown> doc = new CompletableFuture<>();
    context.runOnContext(v -> shared.read().onComplete(ar -> doc.complete(ar.result())));
    return doc.get(10, TimeUnit.SECONDS);
  }

  private static List<String> texts(SharedHistory.Shown shown) {
    return shown.entries().stream().map(r -> r.entry().text()).toList();
  }

  @Test
  void entriesWaitWhileTheStoreIsDownAndArriveOnceInOrderWhenItAnswers() throws Exception {
    SwitchableStore store = new SwitchableStore();
    SharedHistory shared = shared(Optional.of(store));
    onContext(context, () -> {
      shared.start(Duration.ofMillis(50));
      history.add(entry("before the cut"));
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> store.stored.size() == 1);

    store.down = true;
    onContext(context, () -> {
      history.add(entry("during the cut 1"));
      history.add(entry("during the cut 2"));
      return null;
    });
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
    assertThat(onContext(context, shared::unshared)).isEqualTo(2);
    SharedHistory.Shown cutOff = document(context, shared);
    assertThat(cutOff.source()).isEqualTo("local");
    assertThat(cutOff.note().orElseThrow()).contains("the CP group did not answer").contains("no majority");
    assertThat(texts(cutOff)).containsExactly("before the cut", "during the cut 1", "during the cut 2");

    // The first write after the heal times out after numbering: it is sent again under the same numbers.
    store.failAfterNumbering = true;
    store.down = false;
    await().atMost(Duration.ofSeconds(5)).until(() -> store.stored.size() == 3);
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
    assertThat(store.stored).hasSize(3);
    assertThat(store.stored.stream().map(r -> r.entry().text())).containsExactly("before the cut", "during the cut 1",
        "during the cut 2");
    assertThat(store.next).as("numbered once").isEqualTo(3);
    SharedHistory.Shown healed = document(context, shared);
    assertThat(healed.source()).isEqualTo("cp-group");
    assertThat(healed.note()).isEmpty();
    assertThat(healed.entries().stream().map(r -> r.seq().getAsLong())).containsExactly(0L, 1L, 2L);
  }

  @Test
  void whatThisCoordinatorJustRecordedShowsBeforeItIsWritten() throws Exception {
    SwitchableStore store = new SwitchableStore();
    SharedHistory shared = shared(Optional.of(store));
    store.stored.add(new History.Recorded(java.util.OptionalLong.of(0), "coordinator-2", entry("from the old leader")));
    store.next = 1;
    onContext(context, () -> {
      history.add(entry("just now")); // not started: never written, only shown
      return null;
    });
    SharedHistory.Shown doc = document(context, shared);
    assertThat(doc.source()).isEqualTo("cp-group");
    assertThat(texts(doc)).containsExactly("from the old leader", "just now");
    assertThat(doc.entries().get(1).seq()).isEmpty();
    assertThat(doc.entries().get(1).by()).isEqualTo("coordinator-1");
  }

  @Test
  void withoutACpGroupTheHistoryIsThisCoordinatorsOwnAndSaysSo() throws Exception {
    SharedHistory shared = shared(Optional.empty());
    onContext(context, () -> {
      history.add(entry("observed"));
      return null;
    });
    SharedHistory.Shown doc = document(context, shared);
    assertThat(doc.source()).isEqualTo("local");
    assertThat(doc.note().orElseThrow()).contains("leadership is disabled");
    assertThat(texts(doc)).containsExactly("observed");
    assertThat(onContext(context, shared::unshared)).as("nothing waits for a CP group there is not").isZero();
  }
}
