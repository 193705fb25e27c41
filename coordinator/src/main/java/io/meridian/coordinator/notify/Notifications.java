package io.meridian.coordinator.notify;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where cluster events go (coordinator.yaml, {@code notifications}); documented field by field in
 * the configuration reference, docs/reference/configuration.md.
 *
 * @param dedupWindow  an event with the same kind, region, node and sender is sent once per window
 * @param timeout      one delivery attempt (connect, send, answer) gives up after this long
 * @param retries      further attempts after a failed one (a non-2xx answer, an error, a timeout)
 * @param retryBackoff wait before the first retry; doubled before each next one
 */
public record Notifications(List<Webhook> webhooks, Duration dedupWindow, Duration timeout, int retries,
    Duration retryBackoff) {

  /** Payload formats. */
  public enum Format { ALERTMANAGER, JSON }

  /**
   * @param name  a short name for logs and metrics (the URL may hold a token: it is never logged)
   * @param token sent as {@code Authorization: Bearer …} when given (read from the environment)
   */
  public record Webhook(String name, URI url, Format format, Optional<Secret> token) {
  }

  public Notifications {
    webhooks = List.copyOf(webhooks);
  }

  public static Notifications none() {
    return new Notifications(List.of(), Duration.ofMinutes(5), Duration.ofSeconds(5), 3, Duration.ofSeconds(1));
  }

  public boolean enabled() {
    return !webhooks.isEmpty();
  }

  public static Notifications read(ConfigNode node, Map<String, String> env) throws ConfigException {
    Duration dedup = node.duration("dedupWindow", Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(24));
    Duration timeout = node.duration("timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
    int retries = node.integer("retries", 3, 0, 10);
    Duration backoff = node.duration("retryBackoff", Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMinutes(1));
    List<Webhook> hooks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    if (node.has("webhooks")) {
      for (ConfigNode hook : node.list("webhooks")) {
        String name = hook.name("name");
        if (!names.add(name)) {
          throw hook.error("name", "\"" + name + "\" names two webhooks; names must be unique (they label metrics)");
        }
        hooks.add(new Webhook(name, url(hook), format(hook), token(hook, env)));
      }
    }
    return new Notifications(hooks, dedup, timeout, retries, backoff);
  }

  private static URI url(ConfigNode hook) throws ConfigException {
    String text = hook.string("url");
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw hook.error("url", "must be an http:// or https:// URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      // The URL may carry a token: say what is wrong, not what it was.
      throw hook.error("url", "is not a valid URL: " + e.getReason());
    }
  }

  private static Format format(ConfigNode hook) throws ConfigException {
    String f = hook.string("format", "json");
    return switch (f) {
      case "alertmanager" -> Format.ALERTMANAGER;
      case "json" -> Format.JSON;
      default -> throw hook.error("format", "must be alertmanager or json, got \"" + f + "\"");
    };
  }

  private static Optional<Secret> token(ConfigNode hook, Map<String, String> env) throws ConfigException {
    if (!hook.has("tokenEnv")) {
      return Optional.empty();
    }
    String variable = hook.string("tokenEnv");
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw hook.error("tokenEnv", "environment variable " + variable + " is not set");
    }
    return Optional.of(new Secret(value));
  }
}
