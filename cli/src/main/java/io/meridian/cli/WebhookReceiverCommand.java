package io.meridian.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian webhook-receiver}: an example webhook endpoint that prints what it receives, one
 * line per alert. The compose stack's Alertmanager sends its notifications here, so that {@code
 * docker compose logs webhook-receiver} reads like a pager. Runs until SIGTERM/SIGINT.
 */
@Command(name = "webhook-receiver", mixinStandardHelpOptions = true,
    description = "Print every webhook notification received (Alertmanager's, or any JSON), one line per alert.")
public final class WebhookReceiverCommand implements Callable<Integer> {

  private static final int MAX_BODY = 1 << 20;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "9099", description = "port to listen on (default: ${DEFAULT-VALUE})")
  int port;

  @Override
  public Integer call() throws Exception {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      System.err.println("meridian webhook-receiver: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      return Meridian.EXIT_FAILED;
    }
    PrintStream out = System.out;
    server.createContext("/", exchange -> handle(exchange, out));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(0);
      stopped.countDown();
    }, "webhook-receiver-stop"));
    server.start();
    out.println("webhook-receiver: listening on " + host + ":" + port + " (POST any path)");
    out.flush();
    stopped.await();
    return 0;
  }

  private static void handle(HttpExchange exchange, PrintStream out) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "{\"error\":\"POST only\"}");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        reply(exchange, 413, "{\"error\":\"body over 1 MiB\"}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      synchronized (out) {
        describe(path, new String(body, StandardCharsets.UTF_8)).forEach(out::println);
        out.flush();
      }
      reply(exchange, 200, "{}");
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /**
   * One line per alert of an Alertmanager webhook payload ({@code {"status", "alerts": [...]}}):
   * {@code webhook: firing RedisNodeDown severity=critical {labels}: summary}; anything else as
   * one line with its path and the body on a single line.
   */
  static List<String> describe(String path, String body) {
    List<String> lines = new ArrayList<>();
    try {
      JsonObject payload = new JsonObject(body);
      JsonArray alerts = payload.getJsonArray("alerts");
      if (alerts != null) {
        for (Object a : alerts) {
          if (a instanceof JsonObject alert) {
            lines.add(alertLine(alert, payload.getString("status", "?")));
          }
        }
        return lines;
      }
      lines.add("webhook: POST " + path + " " + payload.encode());
    } catch (DecodeException | ClassCastException e) {
      lines.add("webhook: POST " + path + " (not JSON, " + body.length() + " chars) "
          + body.replaceAll("\\s+", " ").substring(0, Math.min(200, body.length())));
    }
    return lines;
  }

  private static String alertLine(JsonObject alert, String groupStatus) {
    JsonObject labels = alert.getJsonObject("labels", new JsonObject());
    JsonObject annotations = alert.getJsonObject("annotations", new JsonObject());
    Map<String, Object> rest = new TreeMap<>(labels.getMap());
    Object name = rest.remove("alertname");
    Object severity = rest.remove("severity");
    return "webhook: " + alert.getString("status", groupStatus) + " " + name + " severity=" + severity + " " + rest
        + ": " + annotations.getString("summary", annotations.getString("description", ""));
  }
}
