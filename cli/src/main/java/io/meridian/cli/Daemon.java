package io.meridian.cli;

import io.meridian.cli.logging.LogSetup;
import io.meridian.runtime.bus.BusProcess;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.Reload;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one bus process in the foreground the way a service manager expects. SIGTERM and SIGINT
 * stop it gracefully (it leaves the cluster) and the JVM exits 0; SIGHUP re-reads its config file
 * and applies what can change while running, refusing the rest and any invalid file with a log
 * line that says why. A shutdown hook stops it too when the JVM ends some other way.
 */
final class Daemon<C, V extends Deployable> {

  /** Reads a config file: what {@code AgentConfig.load} and {@code CoordinatorConfig.load} do. */
  interface Loader<C> {
    C load(Path file) throws ConfigException;
  }

  /**
   * What the daemon needs to know of a role (agent, coordinator).
   *
   * @param name        {@code agent} or {@code coordinator}, for logs
   * @param id          the process's id in its config
   * @param plan        the pure decision: which changes of a re-read file apply at once, which need a restart
   * @param reconfigure puts the effective config in force in the running verticle
   * @param bus         the bus section of a config, whose TLS files a reload renews
   */
  record Role<C, V extends Deployable>(
      String name,
      Function<C, String> id,
      Loader<C> loader,
      Function<C, Future<BusProcess<V>>> start,
      BiFunction<C, C, Reload<C>> plan,
      BiFunction<V, C, Future<Void>> reconfigure,
      Function<C, String> logLevel,
      Function<C, io.meridian.runtime.bus.BusConfig> bus) {

    String describe(C config) {
      return name + " " + id.apply(config);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  /** Within systemd's TimeoutStopSec and the 10 s an operator waits for. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(8);

  private final Role<C, V> role;
  private final Path file;
  private final CompletableFuture<BusProcess<V>> started = new CompletableFuture<>();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** One reload at a time, in the order the signals came. */
  private final ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "meridian-reload");
    t.setDaemon(true);
    return t;
  });
  private volatile C running;
  private volatile String what;
  private volatile boolean memberLost;

  Daemon(Role<C, V> role, Path file) {
    this.role = role;
    this.file = file;
  }

  /** Starts the process and blocks until it has stopped; returns the exit code. */
  int run(C initial) {
    running = initial;
    what = role.describe(initial);
    LogSetup.setRootLevel(role.logLevel().apply(initial));
    ProcessSignals.install(this::requestStop, this::requestReload);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopOnJvmShutdown, "meridian-shutdown"));
    role.start().apply(initial).onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(ar.result());
        ar.result().lost().onSuccess(reason -> {
          LOG.error("{}: {}; exiting (code {}) so that its supervisor starts it again", what, reason,
              Meridian.EXIT_FAILED);
          memberLost = true;
          requestStop("cluster member lost");
        });
      } else {
        started.completeExceptionally(ar.cause());
      }
    });
    try {
      CompletableFuture.anyOf(started, exit).get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!exit.isDone()) {
        Throwable cause = e.getCause();
        LOG.error("{} could not start: {}", what, cause.getMessage(), cause);
        System.err.println("meridian: " + what + " could not start: " + cause.getMessage());
        return Meridian.EXIT_FAILED;
      }
    } catch (TimeoutException e) {
      System.err.println("meridian: " + what + " did not start within " + START_TIMEOUT.toSeconds() + " s");
      return Meridian.EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Meridian.EXIT_FAILED;
    }
    if (!exit.isDone()) {
      LOG.info("{} running (pid {}): SIGHUP re-reads {}, SIGTERM stops", what, ProcessHandle.current().pid(), file);
    }
    return exit.join();
  }

  /** SIGTERM, SIGINT or JVM shutdown: stop once, on a thread of its own; the exit code follows. */
  private void requestStop(String why) {
    if (started.isCompletedExceptionally()) {
      exit.complete(Meridian.EXIT_FAILED);
      return;
    }
    if (!stopping.compareAndSet(false, true)) {
      LOG.info("{}: already stopping", why);
      return;
    }
    LOG.info("{}: stopping {} (leaving the cluster; at most {} s)", why, what, STOP_TIMEOUT.toSeconds());
    Thread stopper = new Thread(() -> {
      int code = stop();
      exit.complete(memberLost ? Meridian.EXIT_FAILED : code);
    }, "meridian-stop");
    stopper.start();
  }

  private int stop() {
    long t0 = System.nanoTime();
    long deadline = t0 + STOP_TIMEOUT.toNanos();
    try {
      BusProcess<V> process;
      try {
        process = started.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException neverStarted) {
        return Meridian.EXIT_FAILED; // run() reports why it could not start
      }
      process.stop().toCompletionStage().toCompletableFuture().get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      LOG.info("{} stopped in {} ms", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return 0;
    } catch (ExecutionException e) {
      LOG.warn("{} did not stop cleanly: {}", what, e.getCause().toString());
      return Meridian.EXIT_FAILED;
    } catch (TimeoutException e) {
      LOG.warn("{} did not {} within {} s; exiting anyway", what, started.isDone() ? "stop" : "finish starting",
          STOP_TIMEOUT.toSeconds());
      return Meridian.EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Meridian.EXIT_FAILED;
    }
  }

  /** The fallback when the JVM ends without our signal handlers (e.g. they could not be installed). */
  private void stopOnJvmShutdown() {
    if (exit.isDone()) {
      return;
    }
    requestStop("JVM shutdown");
    try {
      exit.get(STOP_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // exiting anyway; stop() has logged why
    }
  }

  private void requestReload(String why) {
    if (stopping.get() || !started.isDone() || started.isCompletedExceptionally()) {
      LOG.warn("{}: not re-reading {}: {} is {}", why, file, what, stopping.get() ? "stopping" : "not running yet");
      return;
    }
    reloads.execute(() -> reload(why));
  }

  private void reload(String why) {
    C loaded;
    try {
      loaded = role.loader().load(file);
    } catch (ConfigException e) {
      LOG.atWarn().addKeyValue("file", e.file()).addKeyValue("field", e.field())
          .log("{}: config reload refused, {} keeps running with the config it had: invalid config: {}", why, what,
              e.getMessage());
      return;
    }
    C before = running;
    Reload<C> reload = role.plan().apply(before, loaded);
    for (Reload.Change change : reload.needRestart()) {
      LOG.atWarn().addKeyValue("field", change.field())
          .log("{}: config reload: field '{}' changed ({} -> {}) but needs a restart to take effect; until then {} "
              + "keeps the value it started with", why, change.field(), change.from(), change.to(), what);
    }
    if (reload.applied().isEmpty()) {
      LOG.info("{}: config reloaded from {}: {}", why, file,
          reload.changesNothing() ? "nothing changed" : "nothing that applies without a restart");
      return;
    }
    try {
      // The bus's files first: should they not load, nothing of this reload is taken.
      started.join().renewBusTls(role.bus().apply(reload.effective()).tls()).toCompletionStage()
          .toCompletableFuture().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.atError().addKeyValue("field", "bus.tls").log("{}: config reload failed: {}; {} keeps the config it had", why,
          e instanceof ExecutionException ? e.getCause().getMessage() : "the event bus did not take its new TLS files "
              + "within " + STOP_TIMEOUT.toSeconds() + " s", what);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      role.reconfigure().apply(started.join().verticle(), reload.effective()).toCompletionStage().toCompletableFuture()
          .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("{}: config reload failed while applying {}; {} keeps the config it had", why,
          Reload.describe(reload.applied()), what, e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    LogSetup.setRootLevel(role.logLevel().apply(reload.effective()));
    running = reload.effective();
    LOG.info("{}: config reloaded from {}: {}", why, file, Reload.describe(reload.applied()));
  }
}
