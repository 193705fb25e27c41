package io.meridian.agent.command;

import io.meridian.messages.Command;
import io.meridian.messages.CommandResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's last line of defence against two leaders: a command whose term is lower than the
 * highest term seen (in commands or leader announcements) is refused, and a command id already
 * executed gets its earlier result instead of a second execution. Not thread-safe: one context.
 */
public final class TermGuard {

  /** What to do with a command. */
  public sealed interface Verdict permits Accept, Refuse, Repeat {
  }

  public record Accept() implements Verdict {
  }

  public record Refuse(String reason) implements Verdict {
  }

  /** Already executed: answer with the earlier result. */
  public record Repeat(CommandResult earlier) implements Verdict {
  }

  private static final int REMEMBERED = 1000;

  private final TermFloor floor;
  private final Map<String, CommandResult> done = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
      return size() > REMEMBERED;
    }
  };

  public TermGuard() {
    this(new TermFloor());
  }

  /** @param floor where the highest term seen is kept, for others to read */
  public TermGuard(TermFloor floor) {
    this.floor = floor;
  }

  public long highestTerm() {
    return floor.get();
  }

  /** A leader announced itself: its term is the floor from now on. */
  public void observe(long term) {
    floor.raise(term);
  }

  public Verdict check(Command command) {
    Optional<CommandResult> earlier = Optional.ofNullable(done.get(command.id()));
    if (earlier.isPresent()) {
      return new Repeat(earlier.get());
    }
    long highestTerm = floor.get();
    if (command.term() < highestTerm) {
      return new Refuse("term " + command.term() + " is lower than the highest term seen (" + highestTerm
          + "): the sender is no longer the leader");
    }
    floor.raise(command.term());
    return new Accept();
  }

  public void executed(Command command, CommandResult result) {
    done.put(command.id(), result);
  }
}
