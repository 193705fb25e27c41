package io.meridian.cli.security;

import io.meridian.messages.LeaderKey;
import io.meridian.messages.LeaderSigner;
import io.meridian.messages.Seal;
import io.meridian.runtime.bus.BusConfig;
import io.meridian.runtime.bus.BusKeys;
import io.meridian.runtime.bus.BusTls;
import io.meridian.runtime.bus.LeaderKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a local deployment (the demo, the benchmarks) needs to run its bus as production
 * should, generated into one directory and kept there: the cluster key ({@code bus.key}), the
 * coordinators' leader key ({@code leader.key}, {@code leader.pub}) and a development CA with one
 * certificate for every process ({@code ca.crt}, {@code node.crt}, {@code node.key}).
 */
public final class DevSecurity {

  public static final String BUS_KEY = "bus.key";
  public static final String LEADER_KEY = "leader.key";
  public static final String LEADER_PUBLIC_KEY = "leader.pub";
  public static final String NODE = "node";

  private DevSecurity() {
  }

  /** Makes what is missing in {@code dir}; the certificate names {@code hosts}, 127.0.0.1 and localhost. */
  public static Path ensure(Path dir, List<String> hosts) throws IOException {
    Files.createDirectories(dir);
    if (!Files.exists(dir.resolve(BUS_KEY))) {
      BusKeys.generate(dir.resolve(BUS_KEY));
    }
    if (!Files.exists(dir.resolve(LEADER_KEY))) {
      Files.deleteIfExists(dir.resolve(LEADER_PUBLIC_KEY));
      LeaderKeys.generate(dir.resolve(LEADER_KEY), dir.resolve(LEADER_PUBLIC_KEY));
    }
    List<String> names = new java.util.ArrayList<>(List.of("127.0.0.1", "localhost"));
    hosts.stream().filter(h -> !names.contains(h)).forEach(names::add);
    DevCertificates.ensure(dir, NODE, names);
    return dir;
  }

  /** The bus TLS files of {@code dir}, which {@link #ensure} made, as they are now. */
  public static BusTls tls(Path dir) {
    return new BusTls(dir.resolve(NODE + ".crt"), dir.resolve(NODE + ".key"), dir.resolve(DevCertificates.CA_CERT));
  }

  /** A bus member of this deployment with a coordinator's keys, signing and on mutual TLS like its processes. */
  public static BusConfig bus(Path dir, String clusterName, String host, int port, List<String> members)
      throws IOException {
    return new BusConfig(clusterName, host, port, members, seal(dir, BusConfig.Role.COORDINATOR), Optional.of(tls(dir)));
  }

  /** How a process of {@code role} in this deployment signs and checks: a coordinator also signs as leader. */
  public static Seal seal(Path dir, BusConfig.Role role) throws IOException {
    LeaderKey leader = LeaderKeys.readPublic(dir.resolve(LEADER_PUBLIC_KEY));
    Optional<LeaderSigner> signer = role == BusConfig.Role.COORDINATOR
        ? Optional.of(LeaderKeys.readPrivate(dir.resolve(LEADER_KEY), List.of(leader))) : Optional.empty();
    return Seal.signed(BusKeys.read(dir.resolve(BUS_KEY)), List.of()).withLeaderKeys(signer, List.of(leader));
  }

  /** The {@code signing} and {@code tls} lines of the bus section of a process of {@code role} that uses {@code dir}. */
  public static String yaml(Path dir, BusConfig.Role role) {
    Path d = dir.toAbsolutePath();
    return "  signing:\n    keyFile: " + d.resolve(BUS_KEY) + "\n"
        + "    leaderPublicKeyFiles: [" + d.resolve(LEADER_PUBLIC_KEY) + "]\n"
        + (role == BusConfig.Role.COORDINATOR ? "    leaderKeyFile: " + d.resolve(LEADER_KEY) + "\n" : "")
        + "  tls:\n    certFile: " + d.resolve(NODE + ".crt") + "\n    keyFile: " + d.resolve(NODE + ".key")
        + "\n    caFile: " + d.resolve(DevCertificates.CA_CERT) + "\n";
  }
}
