package io.meridian.runtime.bus;

import io.meridian.messages.BusKey;
import io.meridian.messages.LeaderKey;
import io.meridian.messages.LeaderSigner;
import io.meridian.messages.NodeAddress;
import io.meridian.messages.Seal;
import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a process joins the clustered event bus (Hazelcast underneath).
 *
 * @param clusterName Hazelcast cluster name; processes with different names never see each other
 * @param host        interface to bind Hazelcast and the event bus to
 * @param port        first Hazelcast port to try; the next free one is taken (up to +100)
 * @param members     where the cluster's members listen ({@code host:port} or {@code host}), usually the coordinators
 * @param seal        how messages are signed and checked ({@code bus.signing}, or {@code bus.insecure: true})
 * @param tls         mutual TLS between the processes ({@code bus.tls}); empty: plain TCP
 */
public record BusConfig(String clusterName, String host, int port, List<String> members, Seal seal,
    java.util.Optional<BusTls> tls) {

  public static final int DEFAULT_PORT = 5701;
  /** Where the cluster key is taken from when {@code bus.signing} is not set. */
  public static final String DEFAULT_KEY_ENV = "MERIDIAN_BUS_KEY";
  /** Where the leader key's public half (PEM text) is taken from when {@code bus.signing} is not set. */
  public static final String DEFAULT_LEADER_PUBLIC_KEY_ENV = "MERIDIAN_LEADER_PUBLIC_KEY";
  /** Where a coordinator takes the leader key's private half (PEM text) from when {@code bus.signing} is not set. */
  public static final String DEFAULT_LEADER_KEY_ENV = "MERIDIAN_LEADER_KEY";
  private static final String MAKE_LEADER_KEY = "make a pair with `meridian keygen --leader --out "
      + "/etc/meridian/leader.key` (leader.key, mode 0600, for the coordinators only; leader.pub for every host)";

  /** Which process reads the bus section: only coordinators may hold the leader key's private half. */
  public enum Role {
    AGENT, COORDINATOR
  }

  public BusConfig {
    members = List.copyOf(members);
  }

  /** An unsigned bus, for tests that are not about trust. */
  public BusConfig(String clusterName, String host, int port, List<String> members) {
    this(clusterName, host, port, members, Seal.insecure(), java.util.Optional.empty());
  }

  /** {@code meridian 127.0.0.1:5701 members [10.0.0.2:5701], signed with bus key …}, for logs. */
  @Override
  public String toString() {
    return membership() + ", " + tls.map(BusTls::toString).orElse("plain TCP");
  }

  private String membership() {
    return clusterName + " " + host + ":" + port + " members " + members + ", " + seal.describe();
  }

  public BusConfig withTls(java.util.Optional<BusTls> next) {
    return new BusConfig(clusterName, host, port, members, seal, next);
  }

  /**
   * Adds the bus to a reload plan: its TLS files are taken live ({@link BusTls#reload}); the rest
   * (membership, ports, signing) needs a restart. Returns the bus in force after the reload.
   */
  public static BusConfig reload(io.meridian.runtime.config.Reload.Builder plan, BusConfig running,
      BusConfig loaded) {
    plan.restart("bus", running, loaded.withTls(running.tls()), BusConfig::membership);
    return running.withTls(BusTls.reload(plan, running.tls(), loaded.tls()));
  }

  public static BusConfig read(ConfigNode bus, Map<String, String> env, Role role) throws ConfigException {
    String clusterName = bus.name("clusterName", "meridian");
    String host = bus.string("host", "127.0.0.1");
    int port = bus.integer("port", DEFAULT_PORT, 1, 65535);
    List<String> members = bus.strings("members", List.of(host + ":" + DEFAULT_PORT),
        m -> m.contains(":") && !NodeAddress.isValid(m) ? "must be host or host:port, got \"" + m + "\"" : null);
    if (members.isEmpty()) {
      throw bus.error("members", "must list at least one member to join (a coordinator's host:port)");
    }
    bus.retired("cpMembers", "is no longer used: the coordinators' CP group lives in their own leadership "
        + "cluster (coordinator.yaml, leadership); remove it");
    boolean insecure = bus.bool("insecure", false);
    if (insecure && bus.has("tls")) {
      throw bus.error("insecure", "is true while tls is set: remove one (tls encrypts the bus and keeps strangers off "
          + "it; insecure turns every protection off)");
    }
    if (insecure && bus.has("signing")) {
      throw bus.error("insecure", "is true while signing is set: remove one (signing protects the bus; insecure turns "
          + "that off)");
    }
    Seal seal;
    if (insecure) {
      seal = Seal.insecure();
    } else if (bus.has("signing")) {
      seal = readSigning(bus.object("signing"), env, role);
    } else if (env.get(DEFAULT_KEY_ENV) != null && !env.get(DEFAULT_KEY_ENV).isBlank()) {
      seal = leaderKeysFromEnvironment(bus, Seal.signed(key(bus, "signing", env.get(DEFAULT_KEY_ENV)), List.of()), env,
          role);
    } else {
      throw bus.error("signing", "is required: the bus carries the commands that change Redis, and only messages "
          + "signed with the cluster's key may do that. Make a key with `meridian keygen --out /etc/meridian/bus.key`, "
          + "copy it to every Meridian host and set signing.keyFile (or put the key in " + DEFAULT_KEY_ENV + "); or "
          + "set bus.insecure: true to run unsigned (anyone who reaches the bus ports can then command the agents)");
    }
    java.util.Optional<BusTls> tls = bus.has("tls") ? java.util.Optional.of(BusTls.read(bus.object("tls")))
        : java.util.Optional.empty();
    return new BusConfig(clusterName, host, port, members, seal, tls);
  }

  private static Seal readSigning(ConfigNode signing, Map<String, String> env, Role role) throws ConfigException {
    BusKey key;
    if (signing.has("keyFile") == signing.has("keyEnv")) {
      throw signing.error("keyFile", "give the cluster key either as keyFile (a file made by `meridian keygen`) or as "
          + "keyEnv (an environment variable holding the same text), not both and not neither");
    }
    if (signing.has("keyFile")) {
      key = keyFile(signing, "keyFile", signing.string("keyFile"));
    } else {
      String value = signing.fromEnvironment("keyEnv", env);
      key = key(signing, "keyEnv", value);
    }
    List<BusKey> accepted = new ArrayList<>();
    for (String file : signing.strings("acceptKeyFiles", List.of(), f -> f.isBlank() ? "must be a file path" : null)) {
      accepted.add(keyFile(signing, "acceptKeyFiles", file));
    }
    List<LeaderKey> leaderKeys = new ArrayList<>();
    for (String file : signing.strings("leaderPublicKeyFiles", List.of(),
        f -> f.isBlank() ? "must be a file path" : null)) {
      try {
        leaderKeys.add(LeaderKeys.readPublic(Path.of(file)));
      } catch (IOException e) {
        throw signing.error("leaderPublicKeyFiles", "cannot read " + file + ": " + e);
      } catch (IllegalArgumentException e) {
        throw signing.error("leaderPublicKeyFiles", e.getMessage());
      }
    }
    if (leaderKeys.isEmpty()) {
      throw signing.error("leaderPublicKeyFiles", "is required: agents obey commands and leader announcements only "
          + "when a coordinator signed them with the leader key, and this lists its public half; " + MAKE_LEADER_KEY);
    }
    Optional<LeaderSigner> signer = Optional.empty();
    if (role == Role.AGENT && signing.has("leaderKeyFile")) {
      throw signing.error("leaderKeyFile", "must not be set on an agent: the leader key's private half is what "
          + "keeps an agent's host from commanding the other agents; give agents leader.pub only");
    }
    if (role == Role.COORDINATOR) {
      if (!signing.has("leaderKeyFile")) {
        throw signing.error("leaderKeyFile", "is required on a coordinator: it signs the commands and announcements "
            + "this coordinator sends as leader; " + MAKE_LEADER_KEY);
      }
      String file = signing.string("leaderKeyFile");
      try {
        signer = Optional.of(LeaderKeys.readPrivate(Path.of(file), leaderKeys));
      } catch (IOException e) {
        throw signing.error("leaderKeyFile", "cannot read " + file + ": " + e);
      } catch (IllegalArgumentException e) {
        throw signing.error("leaderKeyFile", e.getMessage());
      }
    }
    return Seal.signed(key, accepted).withLeaderKeys(signer, leaderKeys);
  }

  /** The leader keys of a bus signed with {@link #DEFAULT_KEY_ENV}: from the environment too. */
  private static Seal leaderKeysFromEnvironment(ConfigNode bus, Seal seal, Map<String, String> env, Role role)
      throws ConfigException {
    String publicPem = env.get(DEFAULT_LEADER_PUBLIC_KEY_ENV);
    if (publicPem == null || publicPem.isBlank()) {
      throw bus.error("signing", "is not set and the bus key comes from " + DEFAULT_KEY_ENV + ", so "
          + DEFAULT_LEADER_PUBLIC_KEY_ENV + " must hold the leader key's public half (the text of leader.pub); "
          + MAKE_LEADER_KEY);
    }
    try {
      LeaderKey leader = LeaderKeys.publicFromText(publicPem);
      Optional<LeaderSigner> signer = Optional.empty();
      String privatePem = env.get(DEFAULT_LEADER_KEY_ENV);
      if (role == Role.COORDINATOR) {
        if (privatePem == null || privatePem.isBlank()) {
          throw bus.error("signing", "is not set and the bus key comes from " + DEFAULT_KEY_ENV + ", so a coordinator "
              + "needs " + DEFAULT_LEADER_KEY_ENV + " to hold the leader key's private half (the text of leader.key)");
        }
        signer = Optional.of(LeaderKeys.privateFromText(privatePem, List.of(leader)));
      } else if (privatePem != null) {
        throw bus.error("signing", DEFAULT_LEADER_KEY_ENV + " is set for an agent: the leader key's private half is "
            + "what keeps an agent's host from commanding the other agents; unset it");
      }
      return seal.withLeaderKeys(signer, List.of(leader));
    } catch (IllegalArgumentException e) {
      throw bus.error("signing", "the leader key in the environment " + e.getMessage());
    }
  }

  private static BusKey keyFile(ConfigNode signing, String field, String file) throws ConfigException {
    try {
      return BusKeys.read(Path.of(file));
    } catch (IOException e) {
      throw signing.error(field, "cannot read " + file + ": " + e);
    } catch (IllegalArgumentException e) {
      throw signing.error(field, e.getMessage());
    }
  }

  private static BusKey key(ConfigNode signing, String field, String text) throws ConfigException {
    try {
      return Seal.keyFromText(text);
    } catch (IllegalArgumentException e) {
      throw signing.error(field, e.getMessage());
    }
  }
}
