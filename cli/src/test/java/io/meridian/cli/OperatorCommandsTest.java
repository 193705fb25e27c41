package io.meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.meridian.cli.api.ApiTargets;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.util.List;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The commands' client against real sockets on loopback: coordinators tried in turn, the leader
 * followed only to a configured URL, failures said in words, and an answer that stalls in the
 * middle of its body given up on within the timeout instead of hanging.
 */
class OperatorCommandsTest {

  /** A coordinator stand-in: answers every request with {@code status} and {@code body}, counting requests. */
  private static HttpServer api(int status, JsonObject body, java.util.concurrent.atomic.AtomicInteger hits)
      throws java.io.IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      hits.incrementAndGet();
      byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static int closedPort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aCoordinatorThatRefusesIsSkippedAndTheNextOneAnswers() throws Exception {
    java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
    HttpServer up = api(200, new JsonObject().put("leader", "c2"), hits);
    try {
      int down = closedPort();
      String upUrl = "http://127.0.0.1:" + up.getAddress().getPort();
      OperatorCommands.Answer a = OperatorCommands.call(ApiTargets.parse(List.of("http://127.0.0.1:" + down, upUrl), null),
          "GET", "/api/v1/leader", null);
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.base()).isEqualTo(upUrl);
      assertThat(a.body().getString("leader")).isEqualTo("c2");
    } finally {
      up.stop(0);
    }
  }

  @Test
  void whenNoneAnswersEachIsNamedWithWhyNeverNull() throws Exception {
    int a = closedPort();
    int b = closedPort();
    assertThatThrownBy(() -> OperatorCommands.call(ApiTargets.parse(List.of("http://127.0.0.1:" + a,
        "http://127.0.0.1:" + b), null), "GET", "/api/v1/cluster", null))
        .isInstanceOf(OperatorCommands.Unreachable.class)
        .hasMessage("cannot reach http://127.0.0.1:" + a + ": connection refused; cannot reach http://127.0.0.1:" + b
            + ": connection refused");
  }

  @Test
  void theLeaderIsFollowedOnlyToAConfiguredUrl() throws Exception {
    java.util.concurrent.atomic.AtomicInteger leaderHits = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger followerHits = new java.util.concurrent.atomic.AtomicInteger();
    HttpServer leader = api(200, new JsonObject().put("paused", true), leaderHits);
    String leaderUrl = "http://127.0.0.1:" + leader.getAddress().getPort();
    HttpServer follower = api(409, new JsonObject().put("error", "not the leader").put("leaderApiUrl", leaderUrl),
        followerHits);
    String followerUrl = "http://127.0.0.1:" + follower.getAddress().getPort();
    try {
      // Only the follower configured: the token is not sent to a URL the operator did not name.
      OperatorCommands.Answer refused = OperatorCommands.call(ApiTargets.parse(List.of(followerUrl), null), "GET",
          "/api/v1/history", null);
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.body().getString("error")).contains("the leader's API is " + leaderUrl)
          .contains("not among the configured coordinators").contains("--api");
      assertThat(leaderHits).hasValue(0);
      // Both configured: followed.
      OperatorCommands.Answer followed = OperatorCommands.call(ApiTargets.parse(List.of(followerUrl + "," + leaderUrl),
          null), "GET", "/api/v1/history", null);
      assertThat(followed.status()).isEqualTo(200);
      assertThat(followed.base()).isEqualTo(leaderUrl);
      assertThat(leaderHits).hasValue(1);
    } finally {
      leader.stop(0);
      follower.stop(0);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(30) // without the bound on the whole exchange, this test hangs
  void anAnswerWhoseBodyNeverCompletesTimesOutInsteadOfHanging() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stalling = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          byte[] buffer = new byte[4096];
          in.read(buffer);
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"state\": \"run")
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          release.await();
        } catch (Exception ignored) {
          // the test is over
        }
      }, "stalling-api");
      stalling.setDaemon(true);
      stalling.start();
      try {
        assertThatThrownBy(() -> OperatorCommands.call(ApiTargets.parse(List.of("http://127.0.0.1:" + server.getLocalPort()),
            null), "GET", "/api/v1/jobs/x", null, Duration.ofSeconds(1)))
            .isInstanceOf(OperatorCommands.Unreachable.class)
            .hasMessageContaining("no complete answer from http://127.0.0.1:" + server.getLocalPort() + "/api/v1/jobs/x");
      } finally {
        release.countDown();
      }
    }
  }
}
