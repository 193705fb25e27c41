package io.meridian.agent.command;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest leader term this agent has seen, below which it refuses commands. Raised by the
 * {@link TermGuard} on the command context; read by the health reports, which tell the leader, so
 * that a leader numbering below it (its CP group formed afresh) raises its own term.
 */
public final class TermFloor {

  private final AtomicLong highest = new AtomicLong();

  public long get() {
    return highest.get();
  }

  void raise(long term) {
    highest.accumulateAndGet(term, Math::max);
  }
}
