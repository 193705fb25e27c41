package io.meridian.messages;

/** What every message that carries a leader term agrees on. */
public final class Terms {

  private Terms() {
  }

  /**
   * The highest term on the wire: far above any a CP group's log reaches (a leader's term is its
   * lock's fence, a Raft log index, plus a base raised only to terms agents report), far below
   * overflow. A message with a higher term is rejected at decoding, so that one forged term
   * cannot raise every agent's floor to where no leader ever gets again.
   */
  public static final long MAX = 1L << 50;

  /**
   * The highest term a leader raises its own to when agents report a higher one (decision 008):
   * {@code 2^40} below {@link #MAX}, more than any fence (a Raft log index) reaches, so that a
   * leader's raised term always stays on the wire. Agents take terms only from leader-signed
   * messages (decision 016), so no real agent remembers more; a higher {@code termSeen} is a forged
   * report, and following it would push the leader's terms past {@link #MAX} for good.
   */
  public static final long FOLLOWED = MAX - (1L << 40);
}
