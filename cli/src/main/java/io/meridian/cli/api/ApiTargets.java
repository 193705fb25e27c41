package io.meridian.cli.api;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The coordinator APIs an operator command may talk to, from {@code --api} or {@value #ENV}: tried
 * in turn until one answers, and the only places a request follows the leader to (a coordinator's
 * answer cannot send the operator token anywhere else). Each is a base URL, {@code http(s)://host[:port]}.
 */
public record ApiTargets(List<URI> urls, Optional<SSLContext> trust) {

  /** The environment variable read when {@code --api} is not given: the same comma-separated list. */
  public static final String ENV = "MERIDIAN_API";
  /**
   * A PEM file of the CA certificate(s) an {@code https://} API's certificate is checked against,
   * instead of the JVM's own trust store (e.g. the {@code ca.crt} of {@code meridian certs}).
   */
  public static final String CA_ENV = "MERIDIAN_API_CA";

  public ApiTargets {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no coordinator API given");
    }
  }

  public ApiTargets(List<URI> urls) {
    this(urls, Optional.empty());
  }

  /** As {@link #parse(List, String)}, trusting the CA certificates in the PEM file {@code caFile} when given. */
  public static ApiTargets parse(List<String> given, String fromEnv, String caFile) {
    ApiTargets targets = parse(given, fromEnv);
    if (caFile == null || caFile.isBlank()) {
      return targets;
    }
    return new ApiTargets(targets.urls(), Optional.of(trusting(Path.of(caFile.trim()))));
  }

  /** Just {@code url}, trusted as these are. */
  public ApiTargets only(URI url) {
    return new ApiTargets(List.of(url), trust);
  }

  /** A client for these APIs, that checks HTTPS certificates against {@link #CA_ENV}'s CA when it was given. */
  public HttpClient client(Duration connectTimeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
    trust.ifPresent(builder::sslContext);
    return builder.build();
  }

  private static SSLContext trusting(Path caFile) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, io.meridian.runtime.config.PemFiles.trusting(caFile).getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException(CA_ENV + ": cannot read " + caFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(CA_ENV + ": " + caFile + " is not a PEM file of CA certificates: "
          + e.getMessage(), e);
    } catch (IllegalArgumentException noCertificate) {
      throw new IllegalArgumentException(CA_ENV + ": " + caFile + " holds no PEM certificate", noCertificate);
    }
  }

  /**
   * @param given   the values of {@code --api} (each may itself be a comma-separated list), or null
   * @param fromEnv the value of {@value #ENV}, or null
   * @throws IllegalArgumentException saying what is wrong, and where it came from
   */
  public static ApiTargets parse(List<String> given, String fromEnv) {
    boolean option = given != null && !given.isEmpty();
    String source = option ? "--api" : ENV;
    List<String> texts = new ArrayList<>();
    for (String value : option ? given : fromEnv == null ? List.<String>of() : List.of(fromEnv)) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          texts.add(part.trim());
        }
      }
    }
    if (texts.isEmpty()) {
      throw new IllegalArgumentException(option ? "--api is empty: give a coordinator's URL, e.g. http://10.0.0.2:8080"
          : "no coordinator API given: pass --api URL[,URL...] or set " + ENV + " (e.g. http://10.0.0.2:8080,"
              + "http://10.1.0.2:8080)");
    }
    List<URI> urls = new ArrayList<>();
    for (String text : texts) {
      URI url = base(text).orElseThrow(() -> new IllegalArgumentException(source + ": '" + text + "' is not a "
          + "coordinator's base URL: expected http://HOST:PORT or https://HOST:PORT, without a path"));
      if (!urls.contains(url)) {
        urls.add(url);
      }
    }
    return new ApiTargets(urls);
  }

  /** Whether {@code url} (e.g. a leader's {@code apiUrl}) is one of these, by scheme, host and port. */
  public boolean allows(String url) {
    return url != null && base(url.replaceAll("/+$", "")).map(urls::contains).orElse(false);
  }

  /** The URLs as the operator gave them, for messages. */
  public String describe() {
    return String.join(", ", urls.stream().map(URI::toString).toList());
  }

  /** {@code scheme://host:port} in lower case with the scheme's port filled in, or empty when not such a URL. */
  static Optional<URI> base(String text) {
    try {
      URI u = new URI(text);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawUserInfo() != null
          || u.getRawQuery() != null || u.getRawFragment() != null
          || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
        return Optional.empty();
      }
      int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      return Optional.of(new URI(scheme, null, u.getHost().toLowerCase(Locale.ROOT), port, null, null, null));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
