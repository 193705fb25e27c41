package io.meridian.cli.security;

import io.meridian.cli.Meridian;
import io.meridian.runtime.bus.BusKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meridian keygen --out FILE}: a new cluster key for signing the bus's messages. The file
 * is written with mode 0600 and never overwritten; the key id it prints is what logs and
 * {@code bus.signing} errors call it. With {@code --redis-password}, a generated Redis password
 * instead ({@link RedisPasswordFile}).
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Make a new cluster key for bus.signing: 32 random bytes in base64, in a new file of mode 0600. "
        + "Copy it to every Meridian host (docs/concepts/security.md: rotating the key).")
public final class KeygenCommand implements Callable<Integer> {

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where to write the key; must not exist yet.")
  Path out;

  @Option(names = "--if-missing",
      description = "If FILE already holds a valid key, keep it and succeed (for set-up scripts run on every start).")
  boolean ifMissing;

  @Option(names = "--redis-password",
      description = "Write a generated Redis password (32 random bytes in base64url, one line) instead of a bus key, "
          + "for redis.passwordFile and the spec's auth.passwordFile.")
  boolean redisPassword;

  @Override
  public Integer call() {
    if (redisPassword) {
      return writeRedisPassword();
    }
    if (ifMissing && java.nio.file.Files.exists(out)) {
      try {
        String kid = BusKeys.read(out).kid();
        commandSpec.commandLine().getOut().printf("kept the bus key in %s (key id %s)%n", out, kid);
        return 0;
      } catch (IOException | IllegalArgumentException e) {
        commandSpec.commandLine().getErr().printf("meridian keygen: %s exists but is not a usable key: %s%n", out,
            e.getMessage());
        return Meridian.EXIT_USAGE;
      }
    }
    try {
      String kid = BusKeys.generate(out).kid();
      commandSpec.commandLine().getOut().printf("wrote a new bus key to %s (key id %s, mode 0600)%n", out, kid);
      return 0;
    } catch (FileAlreadyExistsException e) {
      commandSpec.commandLine().getErr().printf("meridian keygen: %s already exists; a key is never overwritten "
          + "(remove it first, or choose another --out)%n", out);
      return Meridian.EXIT_USAGE;
    } catch (IOException e) {
      commandSpec.commandLine().getErr().printf("meridian keygen: cannot write %s: %s%n", out, e);
      return Meridian.EXIT_FAILED;
    }
  }

  private int writeRedisPassword() {
    if (ifMissing && java.nio.file.Files.exists(out)) {
      try {
        RedisPasswordFile.requireUsable(out);
        commandSpec.commandLine().getOut().printf("kept the Redis password in %s%n", out);
        return 0;
      } catch (IOException | IllegalArgumentException e) {
        commandSpec.commandLine().getErr().printf("meridian keygen: %s exists but is not a usable Redis password "
            + "file: %s%n", out, e.getMessage());
        return Meridian.EXIT_USAGE;
      }
    }
    try {
      RedisPasswordFile.create(out);
      commandSpec.commandLine().getOut().printf("wrote a new Redis password to %s (mode 0600)%n", out);
      return 0;
    } catch (FileAlreadyExistsException e) {
      commandSpec.commandLine().getErr().printf("meridian keygen: %s already exists; a password is never overwritten "
          + "(remove it first, or choose another --out)%n", out);
      return Meridian.EXIT_USAGE;
    } catch (IOException e) {
      commandSpec.commandLine().getErr().printf("meridian keygen: cannot write %s: %s%n", out, e);
      return Meridian.EXIT_FAILED;
    }
  }
}
