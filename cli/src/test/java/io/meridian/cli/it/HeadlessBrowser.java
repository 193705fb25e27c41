package io.meridian.cli.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium, driven through ChromeDriver's W3C WebDriver protocol over HTTP on
 * loopback (Debian's chromium and chromium-driver; scripts/test.sh installs them). Starts its own
 * chromedriver process and ends it by PID on close, with the browser and its profile directory.
 */
final class HeadlessBrowser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process driver;
  private final String base;
  private final String session;

  private HeadlessBrowser(Process driver, String base, String session) {
    this.driver = driver;
    this.base = base;
    this.session = session;
  }

  /** Starts chromedriver on a free loopback port and opens a headless browser with a fresh profile in {@code dir}. */
  static HeadlessBrowser start(Path dir) throws Exception {
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(binary + " is missing: the status page test needs Debian's chromium and "
            + "chromium-driver (scripts/test.sh installs them; by hand: apt-get install chromium chromium-driver)");
      }
    }
    int port = io.meridian.runtime.testing.FreePorts.range(1);
    Files.createDirectories(dir);
    Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromedriver.log").toFile()).start();
    String base = "http://127.0.0.1:" + port;
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(() -> send("GET", base + "/status", null).getJsonObject("value")
              .getBoolean("ready"));
      // The flags keep the browser off the network it cannot reach here (updates, sync, field trials).
      JsonArray args = new JsonArray().add("--headless=new").add("--no-sandbox").add("--disable-gpu")
          .add("--disable-dev-shm-usage").add("--disable-quic").add("--no-first-run")
          .add("--disable-background-networking").add("--disable-component-update").add("--disable-sync")
          .add("--window-size=1400,1100").add("--user-data-dir=" + dir.resolve("profile").toAbsolutePath());
      JsonObject caps = new JsonObject().put("capabilities", new JsonObject().put("alwaysMatch", new JsonObject()
          .put("browserName", "chrome")
          .put("goog:chromeOptions", new JsonObject().put("binary", CHROMIUM.toString()).put("args", args))));
      String session = send("POST", base + "/session", caps).getJsonObject("value").getString("sessionId");
      return new HeadlessBrowser(driver, base, session);
    } catch (Exception | AssertionError e) {
      stop(driver);
      throw e;
    }
  }

  void open(String url) throws IOException, InterruptedException {
    command("POST", "/url", new JsonObject().put("url", url));
  }

  /** Runs {@code script} (a function body; {@code return} its result) in the page; its result as JSON. */
  Object eval(String script) throws IOException, InterruptedException {
    return command("POST", "/execute/sync", new JsonObject().put("script", script).put("args", new JsonArray()))
        .getValue("value");
  }

  void screenshot(Path png) throws IOException, InterruptedException {
    String data = command("GET", "/screenshot", null).getString("value");
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  private JsonObject command(String method, String path, JsonObject body) throws IOException, InterruptedException {
    return send(method, base + "/session/" + session + path, body);
  }

  private static JsonObject send(String method, String url, JsonObject body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    JsonObject json = new JsonObject(response.body());
    if (response.statusCode() != 200) {
      throw new IOException("chromedriver " + method + " " + url + " answered " + response.statusCode() + ": "
          + json.getJsonObject("value", new JsonObject()).getString("message", response.body()));
    }
    return json;
  }

  @Override
  public void close() throws Exception {
    try {
      send("DELETE", base + "/session/" + session, null);
    } catch (IOException e) {
      // The driver may be gone already; it and its browser are ended below either way.
    } finally {
      stop(driver);
    }
  }

  /** Ends chromedriver and every browser process under it, by PID. */
  private static void stop(Process driver) throws InterruptedException {
    List<ProcessHandle> children = driver.descendants().toList();
    driver.destroy();
    if (!driver.waitFor(5, TimeUnit.SECONDS)) {
      driver.destroyForcibly().waitFor();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
