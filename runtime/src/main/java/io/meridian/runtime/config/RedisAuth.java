package io.meridian.runtime.config;

import java.util.Map;
import java.util.Optional;

/**
 * How Meridian authenticates to Redis: an optional ACL user and a password taken from an
 * environment variable or from a file readable by its owner only (the config names the variable
 * or the file, never the password); and, optionally, other credentials for replicas to
 * authenticate to their primary with ({@code masteruser}/{@code masterauth}), so that the user
 * replication runs as can do nothing else; and, with {@code tls}, TLS on every connection
 * ({@link RedisTls}).
 */
public record RedisAuth(Optional<String> user, Optional<Secret> password, Optional<Replication> replication,
    Optional<RedisTls> tls) {

  /** What replicas authenticate to their primary with, when not Meridian's own credentials. */
  public record Replication(Optional<String> user, Secret password) {
    @Override
    public String toString() {
      return "user " + user.orElse("default") + ", password ****";
    }
  }

  /** Replication with Meridian's own credentials. */
  public RedisAuth(Optional<String> user, Optional<Secret> password) {
    this(user, password, Optional.empty());
  }

  /** Without TLS. */
  public RedisAuth(Optional<String> user, Optional<Secret> password, Optional<Replication> replication) {
    this(user, password, replication, Optional.empty());
  }

  /** The same credentials, over {@code next} (or plain TCP). */
  public RedisAuth withTls(Optional<RedisTls> next) {
    return new RedisAuth(user, password, replication, next);
  }

  public static RedisAuth none() {
    return new RedisAuth(Optional.empty(), Optional.empty());
  }

  /** The user replicas authenticate as ({@code masteruser}); empty for the default user. */
  public Optional<String> replicaUser() {
    return replication.isPresent() ? replication.get().user() : user;
  }

  /** The password replicas authenticate with ({@code masterauth}). */
  public Optional<Secret> replicaPassword() {
    return replication.isPresent() ? Optional.of(replication.get().password()) : password;
  }

  public static RedisAuth read(ConfigNode redis, Map<String, String> env) throws ConfigException {
    Optional<String> user = redis.has("user") ? Optional.of(redis.string("user")) : Optional.empty();
    Optional<Secret> password = password(redis, env);
    if (user.isPresent() && password.isEmpty()) {
      throw redis.error("user", "is set but no password is: add passwordEnv (or passwordFile) that holds it");
    }
    Optional<Replication> replication = Optional.empty();
    if (redis.has("replication")) {
      ConfigNode r = redis.object("replication");
      Optional<String> replicaUser = r.has("user") ? Optional.of(r.string("user")) : Optional.empty();
      Optional<Secret> replicaPassword = password(r, env);
      if (replicaPassword.isEmpty()) {
        throw redis.error("replication", "needs the password replicas authenticate with: add passwordEnv or "
            + "passwordFile");
      }
      replication = Optional.of(new Replication(replicaUser, replicaPassword.get()));
    }
    return new RedisAuth(user, password, replication, RedisTls.read(redis));
  }

  private static Optional<Secret> password(ConfigNode node, Map<String, String> env) throws ConfigException {
    if (node.has("passwordEnv") && node.has("passwordFile")) {
      throw node.error("passwordFile", "is set as well as passwordEnv: keep one");
    }
    if (node.has("passwordEnv")) {
      return Optional.of(new Secret(node.fromEnvironment("passwordEnv", env)));
    }
    if (node.has("passwordFile")) {
      return Optional.of(new Secret(passwordFile(node)));
    }
    return Optional.empty();
  }

  /** The first line of the file, which must be readable by its owner only and not empty. */
  private static String passwordFile(ConfigNode node) throws ConfigException {
    java.nio.file.Path file = java.nio.file.Path.of(node.string("passwordFile"));
    try {
      String first = PrivateFiles.firstLine(file, "can authenticate to every Redis node");
      if (first.isEmpty()) {
        throw node.error("passwordFile", file + " is empty");
      }
      return first;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw node.error("passwordFile", e instanceof java.io.IOException ? "cannot read " + file + ": " + e
          : e.getMessage());
    }
  }
}
