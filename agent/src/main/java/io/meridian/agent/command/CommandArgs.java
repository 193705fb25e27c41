package io.meridian.agent.command;

import io.meridian.messages.Command;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.RedisState;
import io.meridian.messages.SlotRange;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a command's arguments before anything touches Redis: a malformed command is refused with
 * what is wrong, and nothing is done. Pure.
 */
public final class CommandArgs {

  private static final Pattern NODE_ID = Pattern.compile("[0-9a-f]{40}");
  /** Keys per MIGRATE, as {@code redis-cli --cluster reshard --cluster-pipeline} allows. */
  public static final int MAX_BATCH = 10_000;

  private CommandArgs() {
  }

  /** What is wrong with the command's arguments, or empty when it may run. */
  public static Optional<String> problem(Command command) {
    Map<String, String> a = command.args();
    String kind = command.kind().name();
    try {
      switch (command.kind()) {
        case REPLICATE -> nodeId(a, "primaryId");
        case MEET -> {
          String host = required(a, "host");
          if (host.isBlank() || host.contains(" ")) {
            throw new IllegalArgumentException("'host' must be a host name or IP address, got '" + host + "'");
          }
          number(a, "port", 1, 65535);
          number(a, "busPort", 1, 65535);
        }
        case MIGRATE_SLOTS -> {
          nodeId(a, "to");
          String to = required(a, "toAddress");
          if (!NodeAddress.isValid(to)) {
            throw new IllegalArgumentException("'toAddress' must be host:port, got '" + to + "'");
          }
          if (to.equals(command.target())) {
            throw new IllegalArgumentException("'toAddress' is the source node itself");
          }
          SlotRange.decode(required(a, "slots"));
          number(a, "batch", 1, MAX_BATCH);
        }
        case FORGET -> nodeId(a, "nodeId");
        case CONFIGURE -> {
          String announced = required(a, "announced");
          if (!NodeAddress.isValid(announced)) {
            throw new IllegalArgumentException("'announced' must be host:port, got '" + announced + "'");
          }
          if (a.containsKey("announceBusPort")) {
            number(a, "announceBusPort", 1, 65535);
          }
          for (String name : a.keySet()) {
            if (!name.equals("announced") && !name.equals("announceBusPort")
                && !RedisState.OWNED_SETTINGS.contains(name)) {
              throw new IllegalArgumentException("'" + name + "' is not a setting Meridian owns "
                  + RedisState.OWNED_SETTINGS);
            }
          }
        }
        default -> {
          // FAILOVER*, RESUME_WRITES, HOLD_WRITES, FINISH_MIGRATING, CLEAR_IMPORTING, RESET_SOFT take no arguments
        }
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(kind + " refused, nothing done: " + e.getMessage());
    }
  }

  static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing argument '" + name + "'");
    }
    return value;
  }

  private static void nodeId(Map<String, String> args, String name) {
    String value = required(args, name);
    if (!NODE_ID.matcher(value).matches()) {
      throw new IllegalArgumentException("'" + name + "' must be a node id (40 hex characters), got '" + value + "'");
    }
  }

  private static long number(Map<String, String> args, String name, long min, long max) {
    String value = required(args, name);
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + name + "' must be a number, got '" + value + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("'" + name + "' must be " + min + " to " + max + ", got " + n);
    }
    return n;
  }
}
