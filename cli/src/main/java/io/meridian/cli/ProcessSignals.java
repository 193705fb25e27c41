package io.meridian.cli;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * POSIX signals for a daemon. Without handlers the JVM turns SIGTERM into an exit with code 143
 * and SIGHUP into an exit as well; a service manager reads the first as a failure and uses the
 * second to mean "reload". Handlers run on a thread the JVM starts per signal. {@code sun.misc.Signal}
 * (module jdk.unsupported) is the JDK's only way to handle a signal; javac's warning about it cannot
 * be silenced.
 */
final class ProcessSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessSignals.class);

  private ProcessSignals() {
  }

  /**
   * @param stop   called with {@code "received SIGTERM"} (or SIGINT)
   * @param reload called with {@code "received SIGHUP"}
   */
  static void install(Consumer<String> stop, Consumer<String> reload) {
    handle("TERM", stop);
    handle("INT", stop);
    handle("HUP", reload);
  }

  private static void handle(String name, Consumer<String> action) {
    try {
      sun.misc.SignalHandler before = Signal.handle(new Signal(name), signal -> {
        try {
          action.accept("received SIG" + name);
        } catch (RuntimeException e) {
          LOG.error("handling SIG{} failed", name, e);
        }
      });
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        // The JVM leaves a signal this process inherited as ignored (e.g. started under nohup) alone.
        LOG.warn("SIG{} was ignored when this process started (started under nohup?) and stays ignored: {}", name,
            name.equals("HUP") ? "config reload by signal is unavailable; restart to apply a changed config"
                : "stop it with another signal");
      }
    } catch (IllegalArgumentException e) {
      // e.g. the JVM runs with -Xrs, or the signal is reserved here: the shutdown hook remains.
      LOG.warn("cannot handle SIG{} ({}); {}", name, e.getMessage(),
          name.equals("HUP") ? "config reload by signal is unavailable" : "the shutdown hook will stop the process");
    }
  }
}
