package io.meridian.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian rebalance}: what the leader's reconcile loop would do to bring the layout back
 * to the spec's rules ({@code --dry-run}: print it, change nothing), or ask it to go ahead with
 * failbacks when they are manual.
 */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
    description = "Show the planned moves back to the spec's layout with their reasons (--dry-run), or let the leader "
        + "carry out failbacks when rebalance.failback is manual.")
final class RebalanceCommand extends OperatorCommands.Target implements Callable<Integer> {

  @Option(names = "--dry-run", description = "print the planned actions and their reasons; change nothing")
  boolean dryRun;

  @Override
  public Integer call() {
    if (dryRun) {
      return OperatorCommands.request(targets(), "GET", "/api/v1/rebalance", body -> {
        print(body);
        System.out.println("(dry run: nothing was changed)");
      });
    }
    return OperatorCommands.request(targets(), "POST", "/api/v1/rebalance", body -> {
      print(body);
      System.out.printf("rebalance: the leader carries these out; failbacks are allowed for the next %d minutes%n",
          body.getInteger("failbackApprovedForMinutes", 0));
    });
  }

  static void print(JsonObject plan) {
    JsonArray violations = plan.getJsonArray("violations");
    System.out.printf("rebalance (%s topology, as %s sees it; rebalancing %s, failback %s):%n", plan.getString("topology"),
        plan.getString("observedBy"), plan.getBoolean("enabled") ? "on" : "off", plan.getString("failback"));
    if (violations.isEmpty()) {
      System.out.println("  the layout meets every rule of the spec");
    } else {
      System.out.printf("  %d violation(s):%n", violations.size());
      violations.forEach(o -> {
        JsonObject v = (JsonObject) o;
        System.out.printf("    %-28s %-22s %s%n", v.getString("rule"), v.getString("subject"), v.getString("message"));
      });
    }
    printSteps("in flight", plan.getJsonArray("inFlight"));
    printSteps("planned now (independent steps; the leader starts one at a time)", plan.getJsonArray("steps"));
    printSteps("the whole way to a clean layout (each step assumed done and in sync before the next)",
        plan.getJsonArray("sequence"));
    JsonArray waiting = plan.getJsonArray("waiting");
    if (!waiting.isEmpty()) {
      System.out.println("  waiting:");
      waiting.forEach(w -> System.out.println("    - " + w));
    }
    if (plan.getJsonArray("steps").isEmpty() && plan.getJsonArray("inFlight").isEmpty()) {
      System.out.println("  nothing to do now");
    }
  }

  private static void printSteps(String title, JsonArray steps) {
    if (steps.isEmpty()) {
      return;
    }
    System.out.printf("  %s:%n", title);
    for (int i = 0; i < steps.size(); i++) {
      JsonObject s = steps.getJsonObject(i);
      System.out.printf("    %d. [%s] %s (shard %s)%n       why: %s%n", i + 1, s.getString("kind"), s.getString("command"),
          String.join(", ", s.getJsonArray("shards").stream().map(String::valueOf).toList()), s.getString("reason"));
    }
  }
}
