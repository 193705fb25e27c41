package io.meridian.runtime.config;

import java.util.Map;
import java.util.Optional;

/**
 * How Meridian authenticates to Redis: an optional ACL user and a password taken from an
 * environment variable (the file names the variable, never the password).
 */
public record RedisAuth(Optional<String> user, Optional<Secret> password) {

  public static RedisAuth none() {
    return new RedisAuth(Optional.empty(), Optional.empty());
  }

  public static RedisAuth read(ConfigNode redis, Map<String, String> env) throws ConfigException {
    Optional<String> user = redis.has("user") ? Optional.of(redis.string("user")) : Optional.empty();
    Optional<Secret> password = Optional.empty();
    if (redis.has("passwordEnv")) {
      String value = redis.fromEnvironment("passwordEnv", env);
      password = Optional.of(new Secret(value));
    }
    if (user.isPresent() && password.isEmpty()) {
      throw redis.error("user", "is set but no password is: add passwordEnv naming the variable that holds it");
    }
    return new RedisAuth(user, password);
  }
}
