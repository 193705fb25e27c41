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
}
