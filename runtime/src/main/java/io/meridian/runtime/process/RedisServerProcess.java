package io.meridian.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} process (on 127.0.0.1 unless told otherwise) that we started and therefore must end, by its
 * PID. Its working directory, config and log live in {@code dir}.
 */
public final class RedisServerProcess implements AutoCloseable {

  private final String host;
  private final int port;
  private final Path dir;
  private final Process process;
  /** How a client reaches it when it serves TLS only; empty on a plain node. */
  private final java.util.Optional<javax.net.ssl.SSLSocketFactory> tls;

  private RedisServerProcess(String host, int port, Dir dirs, Process process) {
    this.host = host;
    this.port = port;
    this.dir = dirs.dir();
    this.process = process;
    this.tls = dirs.tls();
  }

  private record Dir(Path dir, java.util.Optional<javax.net.ssl.SSLSocketFactory> tls) {
  }

  /**
   * The settings that make a node serve TLS only, on its port, and speak TLS to its replicas and on
   * the cluster bus: {@code cert} and {@code key} are its certificate (which it also presents as a
   * client, to its primary and its peers) and {@code ca} the CA every client's and peer's
   * certificate must be signed by ({@code tls-auth-clients yes}).
   */
  public static Map<String, String> tlsSettings(Path cert, Path key, Path ca) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("tls-cert-file", cert.toAbsolutePath().toString());
    settings.put("tls-key-file", key.toAbsolutePath().toString());
    settings.put("tls-ca-cert-file", ca.toAbsolutePath().toString());
    settings.put("tls-auth-clients", "yes");
    settings.put("tls-replication", "yes");
    settings.put("tls-cluster", "yes");
    return settings;
  }

  /** Settings of a node Meridian manages in cluster mode, before any per-test extras. */
  public static Map<String, String> clusterNodeSettings(Duration nodeTimeout) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("cluster-enabled", "yes");
    settings.put("cluster-config-file", "nodes.conf");
    settings.put("cluster-node-timeout", Long.toString(nodeTimeout.toMillis()));
    // Replicas must have data within a second of joining, not after the default 5 s delay.
    settings.put("repl-diskless-sync", "yes");
    settings.put("repl-diskless-sync-delay", "0");
    return settings;
  }

  /**
   * {@link #clusterNodeSettings} of a node that requires {@code password} from clients and gives it
   * to its primary when it replicates. Quoted for redis.conf, so a password that a quoted value
   * cannot hold as it is (a quote, backslash or line break) is refused.
   */
  public static Map<String, String> clusterNodeSettings(Duration nodeTimeout, String password) {
    if (password.isEmpty() || password.chars().anyMatch(c -> c == '"' || c == '\\' || c == '\n' || c == '\r')) {
      throw new IllegalArgumentException("a Redis password for redis.conf must be non-empty and hold no quote, "
          + "backslash or line break");
    }
    Map<String, String> settings = clusterNodeSettings(nodeTimeout);
    settings.put("requirepass", "\"" + password + "\"");
    settings.put("masterauth", "\"" + password + "\"");
    return settings;
  }

  /**
   * Starts redis-server on 127.0.0.1:{@code port} with {@code settings} and waits (up to
   * {@code startTimeout}) until it answers PING.
   */
  public static RedisServerProcess start(RedisBinary binary, Path dir, int port, Map<String, String> settings,
      Duration startTimeout) throws IOException {
    return start(binary, dir, "127.0.0.1", port, settings, startTimeout, List.of());
  }

  /**
   * As above, bound to {@code host}, and started through {@code launcher} (a command prefix such
   * as {@code ip netns exec NS}, which keeps the PID; empty for none).
   */
  public static RedisServerProcess start(RedisBinary binary, Path dir, String host, int port,
      Map<String, String> settings, Duration startTimeout, List<String> launcher) throws IOException {
    return start(binary, dir, host, port, settings, startTimeout, launcher, spawned -> { });
  }

  /**
   * As above, telling {@code spawned} of the process as soon as it exists, before it answers: an
   * owner that must end it (a shutdown hook running meanwhile) knows of it from then on.
   */
  public static RedisServerProcess start(RedisBinary binary, Path dir, String host, int port,
      Map<String, String> settings, Duration startTimeout, List<String> launcher,
      java.util.function.Consumer<RedisServerProcess> spawned) throws IOException {
    Files.createDirectories(dir);
    // With TLS settings the node listens on TLS only: the plain port is closed.
    boolean tls = settings.containsKey("tls-cert-file");
    StringBuilder conf = new StringBuilder()
        .append(tls ? "port 0\ntls-port " : "port ").append(port).append('\n')
        .append("bind ").append(host).append('\n')
        .append("protected-mode no\n")
        .append("daemonize no\n")
        .append("dir ").append(dir.toAbsolutePath()).append('\n')
        .append("logfile ").append(dir.resolve("redis.log").toAbsolutePath()).append('\n')
        .append("save \"\"\n")
        .append("appendonly no\n");
    settings.forEach((k, v) -> conf.append(k).append(' ').append(v).append('\n'));
    Path confFile = dir.resolve("redis.conf");
    // Owner-only: the settings may hold requirepass and masterauth.
    Files.deleteIfExists(confFile);
    io.meridian.runtime.config.PrivateFiles.create(confFile, conf.toString());
    // Made before the process starts: files that do not load must not leave a server nobody will stop.
    java.util.Optional<javax.net.ssl.SSLSocketFactory> client = tls ? java.util.Optional.of(
        new io.meridian.runtime.config.RedisTls(Path.of(settings.get("tls-ca-cert-file")),
            java.util.Optional.of(Path.of(settings.get("tls-cert-file"))),
            java.util.Optional.of(Path.of(settings.get("tls-key-file")))).sslContext().getSocketFactory())
        : java.util.Optional.empty();
    List<String> command = new java.util.ArrayList<>(launcher);
    // umask 077: what Redis writes itself (CONFIG REWRITE's new redis.conf, with requirepass and
    // masterauth; its data files) is the owner's only. exec keeps the PID redis-server's own.
    command.addAll(List.of("/bin/sh", "-c", "umask 077 && exec \"$0\" \"$@\"", binary.path().toString(),
        confFile.toAbsolutePath().toString()));
    Process process = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .start();
    RedisServerProcess server = new RedisServerProcess(host, port, new Dir(dir, client), process);
    spawned.accept(server);
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (!server.answersPing(Duration.ofMillis(200))) {
      if (!process.isAlive()) {
        throw new IOException("redis-server on port " + port + " exited with code " + process.exitValue()
            + "; see " + dir.resolve("redis.log") + " and " + dir.resolve("stdout.log"));
      }
      if (System.nanoTime() > deadline) {
        server.kill();
        throw new IOException("redis-server on port " + port + " did not answer PING within " + startTimeout);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return server;
  }

  /**
   * True when the node answers {@code PING} within {@code timeout}: with {@code +PONG}, or with
   * {@code -NOAUTH} (it is up, it wants a password) or {@code -LOADING}.
   */
  public boolean answersPing(Duration timeout) {
    String reply = pingReply(host, port, tls, timeout);
    return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH") || reply.startsWith("-LOADING");
  }

  /**
   * What {@code host:port} answers a {@code PING} with, over {@code tls} or plain TCP: the first
   * bytes of the reply, or "" when the connection fails, closes or stays silent for {@code timeout}
   * (what a TLS-only node does to a plain client).
   */
  public static String pingReply(String host, int port, java.util.Optional<javax.net.ssl.SSLSocketFactory> tls,
      Duration timeout) {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      Socket socket = tls.isPresent() ? tls.get().createSocket(plain, host, port, true) : plain;
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[64];
      int n = in.read(buf);
      return n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
    } catch (IOException e) {
      return "";
    }
  }

  public int port() {
    return port;
  }

  public String address() {
    return host + ":" + port;
  }

  public long pid() {
    return process.pid();
  }

  public Path dir() {
    return dir;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the crash case. */
  public void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(5));
  }

  /** SIGSTOP: the hung case. The process keeps its port, the kernel keeps accepting connections. */
  public void freeze() {
    Signals.send(pid(), "STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void thaw() {
    Signals.send(pid(), "CONT");
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. A frozen process is thawed first. */
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    try {
      Signals.send(pid(), "CONT");
    } catch (IllegalStateException exitedMeanwhile) {
      return;
    }
    process.destroy();
    if (!waitForExit(grace)) {
      kill();
    }
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
