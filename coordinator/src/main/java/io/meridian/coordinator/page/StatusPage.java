package io.meridian.coordinator.page;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The live status page at {@code /}: plain HTML, CSS and JS from the jar that poll this
 * coordinator's own API ({@code /api/v1/cluster}, {@code leader}, {@code check}, {@code history}).
 * Nothing is loaded from elsewhere (the content security policy says so to the browser), so it
 * works offline and behind any firewall that lets the API through.
 */
public final class StatusPage {

  /** Path → (content type, resource). */
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"text/html; charset=utf-8", "index.html"},
      "/status.js", new String[] {"text/javascript; charset=utf-8", "status.js"},
      "/status.css", new String[] {"text/css; charset=utf-8", "status.css"});
  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private StatusPage() {
  }

  /** Adds the page's routes; the files are read once, here, so a broken jar fails at start-up. */
  public static void routes(Router router) {
    FILES.forEach((path, file) -> {
      Buffer body = Buffer.buffer(read(file[1]));
      router.get(path).handler(ctx -> ctx.response()
          .putHeader("content-type", file[0])
          .putHeader("cache-control", "no-cache")
          .putHeader("content-security-policy", POLICY)
          .putHeader("x-content-type-options", "nosniff")
          .end(body));
    });
  }

  private static byte[] read(String name) {
    try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the status page's " + name + " is missing from the coordinator's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
