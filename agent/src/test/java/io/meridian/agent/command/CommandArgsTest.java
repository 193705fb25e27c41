package io.meridian.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.Command;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandArgsTest {

  private static final String ID = "0123456789abcdef0123456789abcdef01234567";

  private static Command command(Command.Kind kind, Map<String, String> args) {
    return new Command("coord", "id-1", 7, "127.0.0.1:7000", kind, args, 1, "test");
  }

  @Test
  void wellFormedCommandsPass() {
    assertThat(CommandArgs.problem(command(Command.Kind.MEET, Map.of("host", "10.0.0.1", "port", "7001",
        "busPort", "17001")))).isEmpty();
    assertThat(CommandArgs.problem(command(Command.Kind.MIGRATE_SLOTS, Map.of("to", ID, "toAddress", "127.0.0.1:7009",
        "slots", "0-99,120", "batch", "100")))).isEmpty();
    assertThat(CommandArgs.problem(command(Command.Kind.FORGET, Map.of("nodeId", ID)))).isEmpty();
    assertThat(CommandArgs.problem(command(Command.Kind.REPLICATE, Map.of("primaryId", ID)))).isEmpty();
    assertThat(CommandArgs.problem(command(Command.Kind.CONFIGURE, Map.of("announced", "127.0.0.1:7000",
        "cluster-replica-no-failover", "yes")))).isEmpty();
    assertThat(CommandArgs.problem(command(Command.Kind.RESET_SOFT, Map.of()))).isEmpty();
    assertThat(CommandArgs.problem(command(Command.Kind.FINISH_MIGRATING, Map.of()))).isEmpty();
  }

  @Test
  void malformedCommandsAreRefusedWithWhatIsWrong() {
    assertThat(CommandArgs.problem(command(Command.Kind.MEET, Map.of("host", "10.0.0.1", "port", "70000",
        "busPort", "17001")))).hasValue("MEET refused, nothing done: 'port' must be 1 to 65535, got 70000");
    assertThat(CommandArgs.problem(command(Command.Kind.MEET, Map.of("host", "10.0.0.1", "busPort", "1"))))
        .hasValue("MEET refused, nothing done: missing argument 'port'");
    assertThat(CommandArgs.problem(command(Command.Kind.MIGRATE_SLOTS, Map.of("to", "abc", "toAddress",
        "127.0.0.1:7009", "slots", "0-99", "batch", "100")))).get().asString().contains("'to' must be a node id");
    assertThat(CommandArgs.problem(command(Command.Kind.MIGRATE_SLOTS, Map.of("to", ID, "toAddress", "127.0.0.1:7009",
        "slots", "5,3", "batch", "100")))).get().asString().contains("ascending");
    assertThat(CommandArgs.problem(command(Command.Kind.MIGRATE_SLOTS, Map.of("to", ID, "toAddress", "127.0.0.1:7009",
        "slots", "0-16384", "batch", "100")))).get().asString().contains("invalid slot range");
    assertThat(CommandArgs.problem(command(Command.Kind.MIGRATE_SLOTS, Map.of("to", ID, "toAddress", "127.0.0.1:7000",
        "slots", "1", "batch", "100")))).get().asString().contains("the source node itself");
    assertThat(CommandArgs.problem(command(Command.Kind.MIGRATE_SLOTS, Map.of("to", ID, "toAddress", "127.0.0.1:7009",
        "slots", "1", "batch", "x")))).get().asString().contains("'batch' must be a number");
    assertThat(CommandArgs.problem(command(Command.Kind.FORGET, Map.of()))).get().asString()
        .contains("missing argument 'nodeId'");
    assertThat(CommandArgs.problem(command(Command.Kind.CONFIGURE, Map.of("announced", "127.0.0.1:7000",
        "maxmemory", "1")))).get().asString().contains("'maxmemory' is not a setting Meridian owns");
  }
}
