package io.meridian.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TermGuardTest {

  static Command command(String id, long term) {
    return new Command("coord", id, term, "127.0.0.1:7000", Command.Kind.FAILOVER_FORCE, Map.of(), 1, "test");
  }

  @Test
  void aLowerTermThanAnySeenIsRefusedWithTheReason() {
    TermGuard guard = new TermGuard();
    assertThat(guard.check(command("a", 7))).isInstanceOf(TermGuard.Accept.class);
    assertThat(guard.check(command("b", 5))).isEqualTo(new TermGuard.Refuse(
        "term 5 is lower than the highest term seen (7): the sender is no longer the leader"));
    assertThat(guard.check(command("c", 7))).isInstanceOf(TermGuard.Accept.class);
  }

  @Test
  void anAnnouncedLeaderRaisesTheFloorBeforeAnyCommand() {
    TermGuard guard = new TermGuard();
    guard.observe(12);
    assertThat(guard.check(command("old-leader", 11))).isInstanceOf(TermGuard.Refuse.class);
    assertThat(guard.highestTerm()).isEqualTo(12);
  }

  @Test
  void aRepeatedIdGetsTheEarlierResultNotASecondExecution() {
    TermGuard guard = new TermGuard();
    Command c = command("same", 3);
    assertThat(guard.check(c)).isInstanceOf(TermGuard.Accept.class);
    CommandResult done = new CommandResult("agent", "same", 3, "127.0.0.1:7000", CommandResult.Outcome.EXECUTED, "OK", 2);
    guard.executed(c, done);
    assertThat(guard.check(c)).isEqualTo(new TermGuard.Repeat(done));
  }
}
