package io.meridian.cli.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cli.Meridian;
import io.meridian.messages.LeaderKey;
import io.meridian.runtime.bus.LeaderKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code meridian keygen --redis-password}: a new owner-only file with one generated password,
 * never overwritten, kept by {@code --if-missing} only when Meridian could read it as a password.
 * {@code meridian keygen --leader}: an Ed25519 pair whose private half only its owner can read and
 * whose public half pairs with it, never overwritten, kept by {@code --if-missing} only when it pairs.
 */
class KeygenTest {

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int keygen(String... args) {
    CommandLine cli = Meridian.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void writesOneOwnerOnlyLineOfBase64UrlAndNeverPrintsIt() throws Exception {
    Path file = dir.resolve("redis.password");
    assertThat(keygen("keygen", "--redis-password", "--out", file.toString())).isZero();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).matches("[A-Za-z0-9_-]{43}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(out.toString()).isEqualTo("wrote a new Redis password to " + file + " (mode 0600)\n")
        .doesNotContain(lines.get(0));
    Path other = dir.resolve("other.password");
    assertThat(keygen("keygen", "--redis-password", "--out", other.toString())).isZero();
    assertThat(Files.readAllLines(other).get(0)).isNotEqualTo(lines.get(0));
  }

  @Test
  void anExistingFileIsNeverOverwrittenAndIfMissingKeepsItOnlyWhenUsable() throws Exception {
    Path file = dir.resolve("redis.password");
    assertThat(keygen("keygen", "--redis-password", "--out", file.toString())).isZero();
    String password = Files.readString(file);

    assertThat(keygen("keygen", "--redis-password", "--out", file.toString())).isEqualTo(Meridian.EXIT_USAGE);
    assertThat(err.toString()).contains(file + " already exists; a password is never overwritten");
    assertThat(keygen("keygen", "--redis-password", "--out", file.toString(), "--if-missing")).isZero();
    assertThat(out.toString()).endsWith("kept the Redis password in " + file + "\n");
    assertThat(Files.readString(file)).isEqualTo(password);

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    assertThat(keygen("keygen", "--redis-password", "--out", file.toString(), "--if-missing"))
        .isEqualTo(Meridian.EXIT_USAGE);
    assertThat(err.toString()).contains(file + " exists but is not a usable Redis password file: " + file
        + " is readable by other users (rw-r-----): whoever reads it can use every Redis node of the cluster; "
        + "chmod 600 it").doesNotContain(password.trim());

    Path empty = dir.resolve("empty.password");
    Files.createFile(empty, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    assertThat(keygen("keygen", "--redis-password", "--out", empty.toString(), "--if-missing"))
        .isEqualTo(Meridian.EXIT_USAGE);
    assertThat(err.toString()).contains(empty + " is empty: its first line must be the password");
  }

  @Test
  void writesAPairThatSignsAndVerifiesWithThePrivateHalfOwnerOnly() throws Exception {
    Path key = dir.resolve("leader.key");
    assertThat(keygen("keygen", "--leader", "--out", key.toString())).isZero();
    Path pub = dir.resolve("leader.key.pub");
    LeaderKey publicKey = LeaderKeys.readPublic(pub);
    assertThat(LeaderKeys.readPrivate(key, List.of(publicKey)).publicKey().kid()).isEqualTo(publicKey.kid());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(out.toString()).contains("leader key id " + publicKey.kid())
        .doesNotContain(Files.readString(key).lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void neverOverwritesAndKeepsOnlyAPairThatMatches() throws Exception {
    Path key = dir.resolve("leader.key");
    Path pub = dir.resolve("leader.pub");
    assertThat(keygen("keygen", "--leader", "--out", key.toString(), "--public-out", pub.toString())).isZero();
    String before = Files.readString(key);
    assertThat(keygen("keygen", "--leader", "--out", key.toString(), "--public-out", pub.toString()))
        .isEqualTo(Meridian.EXIT_USAGE);
    assertThat(err.toString()).contains("already exists");
    assertThat(keygen("keygen", "--leader", "--out", key.toString(), "--public-out", pub.toString(), "--if-missing"))
        .isZero();
    assertThat(out.toString()).contains("kept the leader key pair");
    assertThat(Files.readString(key)).isEqualTo(before);

    Path otherKey = dir.resolve("other.key");
    assertThat(keygen("keygen", "--leader", "--out", otherKey.toString())).isZero();
    assertThat(keygen("keygen", "--leader", "--out", otherKey.toString(), "--public-out", pub.toString(),
        "--if-missing")).isEqualTo(Meridian.EXIT_USAGE);
    assertThat(err.toString()).contains("is not the private key of any accepted leader public key");
    assertThat(keygen("keygen", "--public-out", pub.toString(), "--out", key.toString())).isEqualTo(Meridian.EXIT_USAGE);
    assertThat(err.toString()).contains("--public-out goes with --leader");
  }
}
