package io.meridian.coordinator.leadership;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leader's term above every term the agents remember. Agents refuse a command whose
 * term is below the highest they have seen, and a CP group formed afresh (every coordinator
 * restarted at once, the agents not) numbers terms from low again: without this, the new leader
 * would be refused by every agent until the agents restarted too. Driven from the coordinator's
 * context; one raise at a time.
 */
public final class TermCatchUp {

  private static final Logger LOG = LoggerFactory.getLogger(TermCatchUp.class);

  private final LongFunction<CompletableFuture<Long>> outrank;
  private final java.util.concurrent.Executor context;
  private boolean raising;
  private long refused = -1;

  /**
   * @param outrank raises the leader's term above the given one ({@link LeaderElection#outrank})
   * @param context the coordinator's context, where the outcome is taken back to
   */
  public TermCatchUp(LongFunction<CompletableFuture<Long>> outrank, java.util.concurrent.Executor context) {
    this.outrank = outrank;
    this.context = context;
  }

  /**
   * While leading under {@code term}: raises it when an agent has seen a higher one. Equal is
   * fine: agents accept a command of the term they have seen, and this leader's own term comes back
   * in every report.
   */
  public void check(long term, long seen) {
    if (seen <= term || raising) {
      return;
    }
    if (seen > io.meridian.messages.Terms.FOLLOWED) {
      if (seen != refused) {
        refused = seen;
        LOG.atWarn().addKeyValue("seenTerm", seen).log("a report says an agent remembers term {}, above any term a "
            + "leader issues or follows ({}): not following it (agents take terms only from leader-signed messages, "
            + "so the report is forged by a holder of the bus key; see meridian_messages_rejected_total and the "
            + "agents' logs)", seen, io.meridian.messages.Terms.FOLLOWED);
      }
      return;
    }
    raising = true;
    outrank.apply(seen).whenComplete((raised, err) -> context.execute(() -> {
      raising = false;
      if (err != null) {
        LOG.atWarn().addKeyValue("seenTerm", seen).log("could not raise this leader's term above {} that agents "
            + "remember ({}); trying again in a second", seen, (err.getCause() != null ? err.getCause() : err)
            .getMessage());
      }
    }));
  }
}
