package io.meridian.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What re-reading a config file means for a running process: the config it runs with from now
 * on ({@code effective}: the running one with the safe changes applied), the changes applied, and
 * the changes that only a restart can apply (the process keeps their old values meanwhile).
 */
public record Reload<C>(C effective, List<Change> applied, List<Change> needRestart) {

  public Reload {
    applied = List.copyOf(applied);
    needRestart = List.copyOf(needRestart);
  }

  /** One field whose value differs between the running and the re-read file, as text for logs. */
  public record Change(String field, String from, String to) {
    @Override
    public String toString() {
      return field + " " + from + " -> " + to;
    }
  }

  public boolean changesNothing() {
    return applied.isEmpty() && needRestart.isEmpty();
  }

  /** {@code "probe.interval 250ms -> 1s, nodes [a] -> [a, b]"}, or {@code "nothing"}. */
  public static String describe(List<Change> changes) {
    return changes.isEmpty() ? "nothing" : changes.stream().map(Change::toString).collect(Collectors.joining(", "));
  }

  /** Collects the changes field by field; values are compared with {@code equals}. */
  public static final class Builder {
    private final List<Change> applied = new ArrayList<>();
    private final List<Change> needRestart = new ArrayList<>();

    /** A field the running process can take over at once. */
    public Builder safe(String field, Object running, Object loaded) {
      return add(applied, field, running, loaded, String::valueOf);
    }

    /** As {@link #safe(String, Object, Object)}, shown through {@code render} (a summary for a big value). */
    public <T> Builder safe(String field, T running, T loaded, Function<? super T, String> render) {
      return add(applied, field, running, loaded, render);
    }

    /** A field fixed at start (identity, bus membership, listening sockets, credentials). */
    public Builder restart(String field, Object running, Object loaded) {
      return add(needRestart, field, running, loaded, String::valueOf);
    }

    /**
     * As {@link #restart(String, Object, Object)}, shown through {@code render}: a summary for a
     * big value, {@code ****} for a password (the log says that it changed, never what it is).
     */
    public <T> Builder restart(String field, T running, T loaded, Function<? super T, String> render) {
      return add(needRestart, field, running, loaded, render);
    }

    /**
     * An optional setting taken live while it stays on (other values, or files renewed in place),
     * whose turning on or off needs a restart. Returns what is in force after the reload.
     */
    public <T> java.util.Optional<T> liveUnlessTurnedOnOrOff(String field, java.util.Optional<T> running,
        java.util.Optional<T> loaded, Function<? super java.util.Optional<T>, String> render) {
      if (running.isPresent() == loaded.isPresent()) {
        add(applied, field, running, loaded, render);
        return loaded;
      }
      add(needRestart, field, running, loaded, render);
      return running;
    }

    private <T> Builder add(List<Change> into, String field, T running, T loaded, Function<? super T, String> render) {
      if (!Objects.equals(running, loaded)) {
        into.add(new Change(field, render.apply(running), render.apply(loaded)));
      }
      return this;
    }

    public <C> Reload<C> build(C effective) {
      return new Reload<>(effective, applied, needRestart);
    }
  }
}
