package io.meridian.cli;

import io.meridian.cli.api.ApiTargets;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Operator commands against a coordinator's API, authenticated with {@code MERIDIAN_OPERATOR_TOKEN}. */
public final class OperatorCommands {

  public static final String TOKEN_ENV = "MERIDIAN_OPERATOR_TOKEN";

  private OperatorCommands() {
  }

  /** Options shared by every command that talks to the coordinators' API. */
  public static class Target {
    @Option(names = "--api", split = ",", paramLabel = "URL",
        description = "the coordinators' API URLs, e.g. http://10.0.0.2:8080,http://10.1.0.2:8080, tried in turn until one "
            + "answers; a request that needs the leader follows it only to one of these (default: $"
            + ApiTargets.ENV + "). An https:// API's certificate is checked against the CA in the PEM file $"
            + ApiTargets.CA_ENV + " when it is set")
    List<String> api;

    @Spec
    CommandSpec commandSpec;

    /** The coordinators to try; a bad or missing URL is bad usage (exit 2), said by the option's name. */
    protected ApiTargets targets() {
      try {
        return ApiTargets.parse(api, System.getenv(ApiTargets.ENV), System.getenv(ApiTargets.CA_ENV));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(commandSpec.commandLine(), e.getMessage());
      }
    }

    /** Whether --api or its environment variable names a coordinator (scale commands have a mode without). */
    protected boolean apiGiven() {
      String env = System.getenv(ApiTargets.ENV);
      return api != null && !api.isEmpty() || env != null && !env.isBlank();
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Maintenance mode: coordinators keep observing and explaining, the leader never acts.")
  static final class Pause extends Target implements Callable<Integer> {
    @Override
    public Integer call() {
      return post(targets(), "/api/v1/pause");
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "End maintenance mode.")
  static final class Resume extends Target implements Callable<Integer> {
    @Override
    public Integer call() {
      return post(targets(), "/api/v1/resume");
    }
  }

  @Command(name = "acknowledge", mixinStandardHelpOptions = true,
      description = "Allow another automatic failover of a shard inside its anti-flapping window.")
  static final class Acknowledge extends Target implements Callable<Integer> {
    @Option(names = "--shard", required = true, paramLabel = "SLOTS", description = "the shard as the history names it, e.g. 0-5461")
    String shard;

    @Override
    public Integer call() {
      return post(targets(), "/api/v1/acknowledge?shard=" + encode(shard));
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
      return request(targets(), "POST", "/api/v1/switchover?" + query, body -> System.out.printf(
          "switchover: shard %s is served by %s now (was %s); writes paused at most %s ms%n  %s%n",
          body.getString("shard"), body.getString("to"), body.getString("from"), body.getValue("writesPausedAtMostMs"),
          body.getString("reason")));
    }
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** POSTs with the token; follows a 409 that names the leader once; prints the answer as JSON. */
  static int post(ApiTargets api, String path) {
    return request(api, "POST", path, body -> System.out.println(body.encode()));
  }

  /**
   * One request to the coordinators' API: a POST carries the operator token, a GET none. Follows a
   * 409 that names the leader once, to a configured URL only; hands a 2xx answer to {@code print}.
   * Exit 0, 2 for what the operator must fix (token, request), 1 for the rest.
   */
  public static int request(ApiTargets api, String method, String path, java.util.function.Consumer<JsonObject> print) {
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
    } catch (IOException e) {
      System.err.println("meridian: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Meridian.EXIT_FAILED;
  }

  /** A coordinator's answer: status, JSON body, and the API that gave it (the leader's, after following it). */
  public record Answer(int status, JsonObject body, String base) {
  }

  /** None of the configured coordinators could be reached; the message names each and why. */
  public static final class Unreachable extends IOException {
    Unreachable(String message) {
      super(message);
    }
  }

  /**
   * Sends one request; a mutating one (POST, DELETE) carries the token from {@value #TOKEN_ENV}.
   * Tries the coordinators in turn while they cannot be reached, then follows a 409 that names the
   * leader once, if the leader's URL is one of them. Returns null after saying why when the token is missing.
   *
   * @param body a JSON body, or null for none
   * @throws IOException naming every coordinator tried and why it failed
   */
  public static Answer call(ApiTargets api, String method, String path, JsonObject body)
      throws IOException, InterruptedException {
    return call(api, method, path, body, Duration.ofSeconds(30));
  }

  /** As {@link #call(ApiTargets, String, String, JsonObject)}, waiting at most {@code timeout} for each answer. */
  public static Answer call(ApiTargets api, String method, String path, JsonObject body, Duration timeout)
      throws IOException, InterruptedException {
    String token = System.getenv(TOKEN_ENV);
    boolean mutating = !method.equals("GET");
    if (mutating && (token == null || token.isBlank())) {
      System.err.println("meridian: set " + TOKEN_ENV + " to the operator token (see the coordinator's operator.tokenEnv)");
      return null;
    }
    HttpClient http = api.client(Duration.ofSeconds(3));
    List<String> failures = new ArrayList<>();
    for (URI url : api.urls()) {
      String base = url.toString();
      try {
        Answer answer = send(http, base, method, path, body, token, timeout);
        String leader = answer.body().getString("leaderApiUrl");
        if (answer.status() == 409 && leader != null) {
          if (!api.allows(leader)) {
            return new Answer(409, answer.body().copy().put("error", answer.body().getString("error", "not the leader")
                + "; the leader's API is " + leader + ", which is not among the configured coordinators (" + api.describe()
                + "): add it to --api or " + ApiTargets.ENV + " to let meridian follow the leader there"), base);
          }
          return send(http, leader.replaceAll("/+$", ""), method, path, body, token, timeout);
        }
        return answer;
      } catch (IOException e) {
        failures.add("cannot reach " + base + ": " + reason(e));
        // A request that may have arrived is not sent again elsewhere: only one never delivered is.
        if (mutating && !neverDelivered(e)) {
          break;
        }
      }
    }
    throw new Unreachable(String.join("; ", failures));
  }

  private static Answer send(HttpClient http, String base, String method, String path, JsonObject body, String token,
      Duration timeout) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    if (!method.equals("GET")) {
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
    return new Answer(response.statusCode(), json, base);
  }

  /** A connection that was never made: the request cannot have arrived. */
  private static boolean neverDelivered(IOException e) {
    return e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException;
  }

  /** Why a request failed, in words (the JDK leaves the message of a refused connection null). */
  static String reason(IOException e) {
    Throwable cause = e.getCause();
    if (cause instanceof java.nio.channels.UnresolvedAddressException || e instanceof java.net.UnknownHostException) {
      return "unknown host";
    }
    if (e instanceof java.net.http.HttpConnectTimeoutException) {
      return "no connection within 3 s";
    }
    if (e instanceof java.net.ConnectException) {
      return e.getMessage() == null || e.getMessage().isBlank() ? "connection refused"
          : e.getMessage().toLowerCase(java.util.Locale.ROOT);
    }
    if (e.getMessage() != null && !e.getMessage().isBlank()) {
      return e.getMessage();
    }
    return cause != null && cause.getMessage() != null ? cause.getMessage() : e.getClass().getSimpleName();
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
