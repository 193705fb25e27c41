package io.meridian.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * Given an API that answers a GET with its headers and then stalls in the middle of the body (a
 * real socket on loopback), the operator commands give up within their timeout instead of hanging.
 */
class OperatorCommandsTest {

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
        assertThatThrownBy(() -> OperatorCommands.call(URI.create("http://127.0.0.1:" + server.getLocalPort()), "GET",
            "/api/v1/jobs/x", null, Duration.ofSeconds(1)))
            .isInstanceOf(java.net.http.HttpTimeoutException.class)
            .hasMessageContaining("no complete answer from http://127.0.0.1:" + server.getLocalPort() + "/api/v1/jobs/x");
      } finally {
        release.countDown();
      }
    }
  }
}
