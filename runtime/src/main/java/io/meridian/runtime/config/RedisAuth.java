package io.meridian.runtime.config;

import java.util.Map;
import java.util.Optional;

/**
 * How Meridian authenticates to Redis: an optional ACL user and a password taken from an
 * environment variable or from a file readable by its owner only (the config names the variable
 * or the file, never the password).
 */
public record RedisAuth(Optional<String> user, Optional<Secret> password) {

  public static RedisAuth none() {
    return new RedisAuth(Optional.empty(), Optional.empty());
  }

  public static RedisAuth read(ConfigNode redis, Map<String, String> env) throws ConfigException {
    Optional<String> user = redis.has("user") ? Optional.of(redis.string("user")) : Optional.empty();
    Optional<Secret> password = Optional.empty();
    if (redis.has("passwordEnv") && redis.has("passwordFile")) {
      throw redis.error("passwordFile", "is set as well as passwordEnv: keep one");
    }
    if (redis.has("passwordEnv")) {
      String value = redis.fromEnvironment("passwordEnv", env);
      password = Optional.of(new Secret(value));
    } else if (redis.has("passwordFile")) {
      password = Optional.of(new Secret(passwordFile(redis)));
    }
    if (user.isPresent() && password.isEmpty()) {
      throw redis.error("user", "is set but no password is: add passwordEnv (or passwordFile) that holds it");
    }
    return new RedisAuth(user, password);
  }

  /** The first line of the file, which must be readable by its owner only and not empty. */
  private static String passwordFile(ConfigNode redis) throws ConfigException {
    java.nio.file.Path file = java.nio.file.Path.of(redis.string("passwordFile"));
    try {
      PrivateFiles.requireOwnerOnly(file, "can authenticate to every Redis node");
      String first = java.nio.file.Files.readString(file).lines().findFirst().orElse("").strip();
      if (first.isEmpty()) {
        throw redis.error("passwordFile", file + " is empty");
      }
      return first;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw redis.error("passwordFile", e instanceof java.io.IOException ? "cannot read " + file + ": " + e
          : e.getMessage());
    }
  }
}
