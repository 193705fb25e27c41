package io.meridian.cli.security;

import io.meridian.cli.Meridian;
import io.meridian.runtime.bus.BusKeys;
import io.meridian.runtime.bus.LeaderKeys;
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
 * {@code bus.signing} errors call it. With {@code --leader}, the coordinators' Ed25519 leader key
 * pair instead ({@link LeaderKeys}); with {@code --redis-password}, a generated Redis password
 * ({@link RedisPasswordFile}).
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

  @Option(names = "--leader",
      description = "Write the coordinators' leader key pair instead (Ed25519, PEM): FILE is the private half "
          + "(mode 0600, for bus.signing.leaderKeyFile on the coordinators only), FILE.pub (or --public-out) the "
          + "public half, for bus.signing.leaderPublicKeyFiles on every host.")
  boolean leader;

  @Option(names = "--public-out", paramLabel = "FILE",
      description = "With --leader: where to write the public half (default: the private key's path plus .pub).")
  Path publicOut;

  @Option(names = "--redis-password",
      description = "Write a generated Redis password (32 random bytes in base64url, one line) instead of a bus key, "
          + "for redis.passwordFile and the spec's auth.passwordFile.")
  boolean redisPassword;

  /** Reads or writes the file, answering what to print; throws saying what is wrong. */
  private interface FileStep {
    String run() throws IOException;
  }

  @Override
  public Integer call() {
    if (publicOut != null && !leader) {
      commandSpec.commandLine().getErr().println("meridian keygen: --public-out goes with --leader");
      return Meridian.EXIT_USAGE;
    }
    if (leader && redisPassword) {
      commandSpec.commandLine().getErr().println("meridian keygen: give --leader or --redis-password, not both");
      return Meridian.EXIT_USAGE;
    }
    if (leader) {
      Path pub = publicOut != null ? publicOut : out.resolveSibling(out.getFileName() + ".pub");
      return keepOrWrite("leader key pair", "a key",
          () -> "kept the leader key pair " + out + " and " + pub + " (leader key id "
              + LeaderKeys.readPrivate(out, java.util.List.of(LeaderKeys.readPublic(pub))).publicKey().kid() + ")",
          () -> "wrote a new leader key pair: " + out + " (private, mode 0600: coordinators only) and " + pub
              + " (public: every host), leader key id " + LeaderKeys.generate(out, pub).kid());
    }
    if (redisPassword) {
      return keepOrWrite("Redis password file", "a password",
          () -> {
            RedisPasswordFile.requireUsable(out);
            return "kept the Redis password in " + out;
          },
          () -> {
            RedisPasswordFile.create(out);
            return "wrote a new Redis password to " + out + " (mode 0600)";
          });
    }
    return keepOrWrite("key", "a key",
        () -> "kept the bus key in " + out + " (key id " + BusKeys.read(out).kid() + ")",
        () -> "wrote a new bus key to " + out + " (key id " + BusKeys.generate(out).kid() + ", mode 0600)");
  }

  /**
   * With {@code --if-missing} and an existing file, {@code keep} checks it; otherwise {@code write}
   * makes a new one, never over an existing file.
   */
  private int keepOrWrite(String usable, String never, FileStep keep, FileStep write) {
    if (ifMissing && java.nio.file.Files.exists(out)) {
      try {
        commandSpec.commandLine().getOut().println(keep.run());
        return 0;
      } catch (IOException | IllegalArgumentException e) {
        commandSpec.commandLine().getErr().printf("meridian keygen: %s exists but is not a usable %s: %s%n", out,
            usable, e.getMessage());
        return Meridian.EXIT_USAGE;
      }
    }
    try {
      commandSpec.commandLine().getOut().println(write.run());
      return 0;
    } catch (FileAlreadyExistsException e) {
      commandSpec.commandLine().getErr().printf("meridian keygen: %s already exists; %s is never overwritten "
          + "(remove it first, or choose another --out)%n", out, never);
      return Meridian.EXIT_USAGE;
    } catch (IOException e) {
      commandSpec.commandLine().getErr().printf("meridian keygen: cannot write %s: %s%n", out, e);
      return Meridian.EXIT_FAILED;
    }
  }
}
