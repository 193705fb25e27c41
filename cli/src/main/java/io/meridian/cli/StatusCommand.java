package io.meridian.cli;

import io.meridian.cli.api.ApiTargets;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code meridian status} (alias {@code list}): the cluster at a glance, as {@code patronictl list}
 * shows a Patroni cluster. Reads one coordinator's view (the first of {@code --api} that answers):
 * its cluster document, whom it heard as leader, and the spec check.
 */
@Command(name = "status", aliases = "list", mixinStandardHelpOptions = true,
    description = "The cluster at a glance: every node by shard and region with its role, the primary it follows, "
        + "replication lag, health, held writes and failover tags; the leader, term, maintenance mode, CP members "
        + "and the spec check.")
final class StatusCommand extends OperatorCommands.Target implements Callable<Integer> {

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json|yaml",
      description = "table (default), or json / yaml: the three documents the table is made of")
  String output;

  @Option(names = {"-w", "--watch"}, arity = "0..1", fallbackValue = "2", paramLabel = "SECONDS",
      description = "redraw every SECONDS (default 2, 1 to 3600) until Ctrl-C")
  Integer watch;

  @Override
  public Integer call() throws InterruptedException {
    ApiTargets api = targets();
    if (!java.util.List.of("table", "json", "yaml").contains(output)) {
      throw new ParameterException(commandSpec.commandLine(), "--output must be table, json or yaml, got '" + output + "'");
    }
    if (watch != null && (watch < 1 || watch > 3600)) {
      throw new ParameterException(commandSpec.commandLine(), "--watch must be 1 to 3600 seconds, got " + watch);
    }
    while (true) {
      String text;
      int exit;
      try {
        StatusDocuments docs = StatusDocuments.read(api);
        text = switch (output) {
          case "json" -> docs.toJson().encodePrettily() + "\n";
          case "yaml" -> docs.toYaml();
          default -> StatusView.render(docs);
        };
        exit = 0;
      } catch (IOException e) {
        text = "meridian status: " + e.getMessage() + "\n";
        exit = Meridian.EXIT_FAILED;
      }
      if (watch == null) {
        (exit == 0 ? System.out : System.err).print(text);
        return exit;
      }
      // Redrawn in place: cursor home, clear the screen, then the new table (errors included, so a
      // coordinator going away shows instead of a frozen table).
      System.out.print("\033[H\033[2J" + text + "\n(every " + watch + " s; Ctrl-C to stop)\n");
      System.out.flush();
      TimeUnit.SECONDS.sleep(watch);
    }
  }

  /** The documents behind one status: read from the same coordinator, so they agree with each other. */
  /**
   * @param leaderLoop the leader's last control-loop cycle ({@code controlLoop} of its own leader
   *                   document), when the leader is this coordinator or one of the APIs given; else null
   */
  record StatusDocuments(String from, JsonObject cluster, JsonObject leader, JsonObject check, JsonObject leaderLoop) {

    static StatusDocuments read(ApiTargets api) throws IOException, InterruptedException {
      OperatorCommands.Answer cluster = OperatorCommands.call(api, "GET", "/api/v1/cluster", null, Duration.ofSeconds(5));
      if (cluster.status() != 200) {
        throw new IOException(cluster.base() + "/api/v1/cluster answered " + cluster.status() + ": "
            + cluster.body().getString("error", cluster.body().encode()));
      }
      ApiTargets same = api.only(java.net.URI.create(cluster.base()));
      // 503 is an answer too: no leader announced itself, and the body says why.
      JsonObject leader = OperatorCommands.call(same, "GET", "/api/v1/leader", null, Duration.ofSeconds(5)).body();
      OperatorCommands.Answer check = OperatorCommands.call(same, "GET", "/api/v1/check", null, Duration.ofSeconds(5));
      return new StatusDocuments(cluster.base(), cluster.body(), leader, check.status() == 200 ? check.body() : null,
          leaderLoop(api, leader));
    }

    /**
     * What the leader's control loop last did: from this coordinator's own document when it leads,
     * else asked of the leader, only if its API is one of those given (an announcement names it).
     */
    private static JsonObject leaderLoop(ApiTargets api, JsonObject leader) throws InterruptedException {
      if (Boolean.TRUE.equals(leader.getBoolean("self"))) {
        return leader.getJsonObject("controlLoop");
      }
      String url = leader.getString("apiUrl");
      if (!api.allows(url)) {
        return null;
      }
      try {
        JsonObject own = OperatorCommands.call(api.only(java.net.URI.create(url)), "GET", "/api/v1/leader", null,
            Duration.ofSeconds(5)).body();
        return Boolean.TRUE.equals(own.getBoolean("self")) ? own.getJsonObject("controlLoop") : null;
      } catch (IOException e) {
        return null;
      }
    }

    JsonObject toJson() {
      return new JsonObject().put("api", from).put("cluster", cluster).put("leader", leader).put("check", check)
          .put("leaderLoop", leaderLoop);
    }

    String toYaml() {
      try {
        return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
            .writeValueAsString(new com.fasterxml.jackson.databind.ObjectMapper().readTree(toJson().encode()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("the status documents could not be written as YAML", e);
      }
    }
  }
}
