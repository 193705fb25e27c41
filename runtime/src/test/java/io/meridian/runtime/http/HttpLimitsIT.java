package io.meridian.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.monitoring.MeridianMetrics;
import io.meridian.runtime.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given a process's HTTP server on a real port, a client cannot hold more than its share: more
 * connections than the cap are closed on arrival, a connection that goes quiet is closed, and an
 * oversized header is refused; normal requests keep being served.
 */
class HttpLimitsIT {

  private Vertx vertx;
  private int port;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void serve() throws Exception {
    vertx = Vertx.vertx();
    port = FreePorts.any();
    Router router = HttpEndpoints.router(vertx, MeridianMetrics.create("agent", Map.of()), JsonObject::new,
        () -> new Readiness(true, "ok"));
    HttpEndpoints.serve(vertx, router, "127.0.0.1", port, java.util.Optional.empty(), new HttpEndpoints.Limits(4, Duration.ofSeconds(1)))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void connectionsBeyondTheCapAreClosedAndTheOthersServed() throws Exception {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(open());
    }
    // Each held connection is accepted and served...
    assertThat(get(held.get(0), "/health")).startsWith("HTTP/1.1 200");
    // ...and the fifth is closed without an answer.
    Socket fifth = open();
    assertThat(closedWithin(fifth, Duration.ofSeconds(3))).isTrue();
    held.get(1).close();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().until(() -> get(open(), "/health").startsWith("HTTP/1.1 200"));
  }

  @Test
  void aQuietConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    Socket quiet = open();
    quiet.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
    long t0 = System.nanoTime();
    assertThat(closedWithin(quiet, Duration.ofSeconds(5))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(500));
  }

  @Test
  void anOversizedHeaderIsRefused() throws Exception {
    String answer = send(open(), "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 431");
  }

  private Socket open() throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(3000);
    sockets.add(s);
    return s;
  }

  private static String get(Socket s, String path) throws Exception {
    return send(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  private static String send(Socket s, String request) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    byte[] buf = new byte[256];
    int n = s.getInputStream().read(buf);
    return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
  }

  /** Whether the server closed the socket (end of stream) within {@code atMost}. */
  private static boolean closedWithin(Socket s, Duration atMost) throws Exception {
    s.setSoTimeout((int) atMost.toMillis());
    InputStream in = s.getInputStream();
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }
}
