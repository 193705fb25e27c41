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
public final class OperatorCommands {

  public static final String TOKEN_ENV = "MERIDIAN_OPERATOR_TOKEN";

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
    try {
      Answer answer = call(api, method, path, null);
      if (answer == null) {
        return Meridian.EXIT_USAGE;
      }
      if (answer.status() / 100 == 2) {
        print.accept(answer.body());
        return 0;
      }
      System.err.println("meridian: " + answer.base() + path + " answered " + answer.status() + ": "
          + answer.body().getString("error", answer.body().encode()));
      return answer.status() == 401 || answer.status() == 400 ? Meridian.EXIT_USAGE : Meridian.EXIT_FAILED;
    } catch (IOException | RuntimeException e) {
      System.err.println("meridian: cannot reach " + api + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Meridian.EXIT_FAILED;
  }

  /** A coordinator's answer: status, JSON body, and the API that gave it (the leader's, after following it). */
  public record Answer(int status, JsonObject body, String base) {
  }

  /**
   * Sends one request; a mutating one (POST, DELETE) carries the token from {@value #TOKEN_ENV}.
   * Follows a 409 that names the leader once. Returns null after saying why when the token is missing.
   *
   * @param body a JSON body, or null for none
   */
  public static Answer call(URI api, String method, String path, JsonObject body)
      throws IOException, InterruptedException {
    return call(api, method, path, body, Duration.ofSeconds(30));
  }

  /** As {@link #call(URI, String, String, JsonObject)}, waiting at most {@code timeout} for each answer. */
  public static Answer call(URI api, String method, String path, JsonObject body, Duration timeout)
      throws IOException, InterruptedException {
    String token = System.getenv(TOKEN_ENV);
    boolean mutating = !method.equals("GET");
    if (mutating && (token == null || token.isBlank())) {
      System.err.println("meridian: set " + TOKEN_ENV + " to the operator token (see the coordinator's operator.tokenEnv)");
      return null;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String base = api.toString().replaceAll("/+$", "");
    Answer answer = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
      if (mutating) {
        builder.header("Authorization", "Bearer " + token).method(method, body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null) {
          builder.header("Content-Type", "application/json");
        }
      }
      HttpResponse<String> response = exchange(http, builder.build(), timeout);
      JsonObject json;
      try {
        json = new JsonObject(response.body());
      } catch (RuntimeException e) {
        json = new JsonObject().put("error", response.body());
      }
      answer = new Answer(response.statusCode(), json, base);
      if (response.statusCode() == 409 && json.getString("leaderApiUrl") != null && attempt == 0) {
        base = json.getString("leaderApiUrl");
        continue;
      }
      break;
    }
    return answer;
  }

  /**
   * One request and its whole answer within {@code timeout} (plus a second). The request's own
   * timeout only covers the wait for the answer's headers: a body that never completes would
   * hang the caller, as one {@code remove-node --api} did in CI while following its job.
   */
  private static HttpResponse<String> exchange(HttpClient http, HttpRequest request, Duration timeout)
      throws IOException, InterruptedException {
    java.util.concurrent.CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    try {
      return answer.get(timeout.plusSeconds(1).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      answer.cancel(true);
      throw new java.net.http.HttpTimeoutException("no complete answer from " + request.uri() + " within "
          + timeout.plusSeconds(1).toSeconds() + " s");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
    }
  }
}
