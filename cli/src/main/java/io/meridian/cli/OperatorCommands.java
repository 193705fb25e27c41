package io.meridian.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Operator commands against a coordinator's API, authenticated with {@code MERIDIAN_OPERATOR_TOKEN}. */
final class OperatorCommands {

  static final String TOKEN_ENV = "MERIDIAN_OPERATOR_TOKEN";

  private OperatorCommands() {
  }

  /** Options shared by every operator command. */
  static class Target {
    @Option(names = "--api", required = true, paramLabel = "URL",
        description = "a coordinator's API, e.g. http://127.0.0.1:8080 (requests that need the leader follow it)")
    URI api;
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Maintenance mode: coordinators keep observing and explaining, the leader never acts.")
  static final class Pause extends Target implements Callable<Integer> {
    @Override
    public Integer call() {
      return post(api, "/api/v1/pause");
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "End maintenance mode.")
  static final class Resume extends Target implements Callable<Integer> {
    @Override
    public Integer call() {
      return post(api, "/api/v1/resume");
    }
  }

  @Command(name = "acknowledge", mixinStandardHelpOptions = true,
      description = "Allow another automatic failover of a shard inside its anti-flapping window.")
  static final class Acknowledge extends Target implements Callable<Integer> {
    @Option(names = "--shard", required = true, paramLabel = "SLOTS", description = "the shard as the history names it, e.g. 0-5461")
    String shard;

    @Override
    public Integer call() {
      return post(api, "/api/v1/acknowledge?shard=" + encode(shard));
    }
  }

  @Command(name = "switchover", mixinStandardHelpOptions = true,
      description = "Planned, coordinated handover of a shard to one of its replicas (no acknowledged write lost); "
          + "refused when the target is unhealthy or lagging.")
  static final class Switchover extends Target implements Callable<Integer> {
    @Option(names = "--shard", required = true, paramLabel = "ID|SLOT",
        description = "the shard: its primary's node id (40 hex characters) or any slot it owns (0-16383)")
    String shard;

    @Option(names = "--to", paramLabel = "HOST:PORT",
        description = "the replica to take over (default: the in-sync replica with the least lag, in the primary's region first)")
    String to;

    @Override
    public Integer call() {
      String query = "shard=" + encode(shard) + (to == null ? "" : "&to=" + encode(to));
      return request(api, "POST", "/api/v1/switchover?" + query, body -> System.out.printf(
          "switchover: shard %s is served by %s now (was %s); writes paused at most %s ms%n  %s%n",
          body.getString("shard"), body.getString("to"), body.getString("from"), body.getValue("writesPausedAtMostMs"),
          body.getString("reason")));
    }
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** POSTs with the token; follows a 409 that names the leader once; prints the answer as JSON. */
  static int post(URI api, String path) {
    return request(api, "POST", path, body -> System.out.println(body.encode()));
  }

  /**
   * One request to a coordinator's API: a POST carries the operator token, a GET none. Follows a
   * 409 that names the leader once; hands a 2xx answer to {@code print}.
   */
  static int request(URI api, String method, String path, java.util.function.Consumer<JsonObject> print) {
    String token = System.getenv(TOKEN_ENV);
    boolean post = method.equals("POST");
    if (post && (token == null || token.isBlank())) {
      System.err.println("meridian: set " + TOKEN_ENV + " to the operator token (see the coordinator's operator.tokenEnv)");
      return Meridian.EXIT_USAGE;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String base = api.toString().replaceAll("/+$", "");
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (post) {
          builder.header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body = new JsonObject(response.body());
        if (response.statusCode() == 409 && body.getString("leaderApiUrl") != null && attempt == 0) {
          base = body.getString("leaderApiUrl");
          continue;
        }
        if (response.statusCode() / 100 == 2) {
          print.accept(body);
          return 0;
        }
        System.err.println("meridian: " + base + path + " answered " + response.statusCode() + ": "
            + body.getString("error", response.body()));
        return response.statusCode() == 401 || response.statusCode() == 400 ? Meridian.EXIT_USAGE : Meridian.EXIT_FAILED;
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("meridian: cannot reach " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Meridian.EXIT_FAILED;
  }
}
