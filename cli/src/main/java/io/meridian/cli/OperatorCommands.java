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
      return post(api, "/api/v1/acknowledge?shard=" + java.net.URLEncoder.encode(shard, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** POSTs with the token; follows a 409 that names the leader once. */
  static int post(URI api, String path) {
    String token = System.getenv(TOKEN_ENV);
    if (token == null || token.isBlank()) {
      System.err.println("meridian: set " + TOKEN_ENV + " to the operator token (see the coordinator's operator.tokenEnv)");
      return Meridian.EXIT_USAGE;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String base = api.toString().replaceAll("/+$", "");
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body = new JsonObject(response.body());
        if (response.statusCode() == 409 && body.getString("leaderApiUrl") != null && attempt == 0) {
          base = body.getString("leaderApiUrl");
          continue;
        }
        if (response.statusCode() / 100 == 2) {
          System.out.println(body.encode());
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
