package io.meridian.runtime.netlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Regions as network namespaces on this machine, for real partitions: each region is a namespace
 * with one address, linked to a bridge (in a namespace of its own) by a veth pair; this host
 * reaches every region through the bridge too. {@link #cut} takes a region's link to the bridge
 * down: its processes still reach each other (their own address goes over the namespace's
 * loopback), but no packet crosses to another region or to this host, as when the links between
 * data centres fail. Needs root and {@code ip} (iproute2).
 *
 * <p>Every name carries this JVM's PID, so that {@link #sweep} can remove what a killed run left
 * behind without touching a live one. {@link #close} removes everything; a shutdown hook does it
 * on Ctrl-C.
 */
public final class NetLab implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NetLab.class);
  private static final String PREFIX = "mrd";

  private final String tag;
  private final int subnet;
  private final int regions;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread hook;

  private NetLab(String tag, int subnet, int regions) {
    this.tag = tag;
    this.subnet = subnet;
    this.regions = regions;
    this.hook = new Thread(this::close, "netlab-teardown");
  }

  /**
   * Creates {@code regions} region namespaces on a free {@code 10.213.N.0/24} (the only addresses
   * used: this host .1, region i .(11 + i)). Fails with what is missing when not root or without
   * iproute2.
   */
  public static NetLab create(int regions) throws IOException, InterruptedException {
    if (regions < 1 || regions > 9) {
      throw new IllegalArgumentException("regions must be 1 to 9, got " + regions);
    }
    Run.check("ip", "-V");
    sweep();
    String used = Run.out("ip", "-o", "-4", "addr");
    int subnet = -1;
    for (int tries = 0; tries < 50 && subnet < 0; tries++) {
      int candidate = 1 + ThreadLocalRandom.current().nextInt(250);
      if (!used.contains("10.213." + candidate + ".")) {
        subnet = candidate;
      }
    }
    if (subnet < 0) {
      throw new IOException("no free 10.213.N.0/24 subnet on this host");
    }
    // A random part keeps two labs of one JVM apart.
    String tag = Long.toString(ProcessHandle.current().pid(), 36) + "n" + Integer.toString(
        ThreadLocalRandom.current().nextInt(36 * 36), 36);
    NetLab lab = new NetLab(tag, subnet, regions);
    Runtime.getRuntime().addShutdownHook(lab.hook);
    try {
      lab.build();
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private void build() throws IOException, InterruptedException {
    String wan = wan();
    Run.check("ip", "netns", "add", wan);
    Run.check("ip", "-n", wan, "link", "add", "br0", "type", "bridge");
    Run.check("ip", "-n", wan, "link", "set", "br0", "up");
    // This host's door to the regions.
    Run.check("ip", "link", "add", hostLink(), "type", "veth", "peer", "name", "host", "netns", wan);
    Run.check("ip", "-n", wan, "link", "set", "host", "master", "br0", "up");
    Run.check("ip", "addr", "add", "10.213." + subnet + ".1/24", "dev", hostLink());
    Run.check("ip", "link", "set", hostLink(), "up");
    for (int i = 0; i < regions; i++) {
      String ns = namespace(i);
      Run.check("ip", "netns", "add", ns);
      Run.check("ip", "-n", ns, "link", "set", "lo", "up");
      Run.check("ip", "-n", wan, "link", "add", link(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
      Run.check("ip", "-n", wan, "link", "set", link(i), "master", "br0", "up");
      Run.check("ip", "-n", ns, "addr", "add", host(i) + "/24", "dev", "eth0");
      Run.check("ip", "-n", ns, "link", "set", "eth0", "up");
    }
    LOG.atInfo().addKeyValue("subnet", "10.213." + subnet + ".0/24")
        .log("network lab up: {} region namespaces {}..{}, this host at 10.213.{}.1", regions, namespace(0),
            namespace(regions - 1), subnet);
  }

  /** The address of region {@code i} (0-based): its processes bind and announce it. */
  public String host(int region) {
    return "10.213." + subnet + "." + (11 + region);
  }

  /** The network namespace of region {@code i}. */
  public String namespace(int region) {
    return PREFIX + "-" + tag + "-r" + (region + 1);
  }

  /** The command prefix that runs a program inside region {@code i} (it keeps its PID). */
  public List<String> launcher(int region) {
    return List.of("ip", "netns", "exec", namespace(region));
  }

  public int regions() {
    return regions;
  }

  /** Drops every packet between region {@code i} and the rest (other regions and this host). */
  public void cut(int region) throws IOException, InterruptedException {
    Run.check("ip", "-n", wan(), "link", "set", link(region), "down");
    LOG.atInfo().addKeyValue("namespace", namespace(region)).log("cut region {} off ({})", region + 1, host(region));
  }

  /** Undoes {@link #cut}. */
  public void join(int region) throws IOException, InterruptedException {
    Run.check("ip", "-n", wan(), "link", "set", link(region), "up");
    LOG.atInfo().addKeyValue("namespace", namespace(region)).log("joined region {} again ({})", region + 1,
        host(region));
  }

  /**
   * Drops region {@code i}'s TCP packets to and from other regions on {@code ports} (iptables
   * multiport syntax, e.g. {@code 7000:7008,17000:17008}), both ways, and nothing else: with
   * Redis's client and cluster-bus ports, the region's Redis is cut off while its agents and
   * coordinator still talk on the event bus (the bus path works, the Redis path does not). The
   * rules live in the region's namespace and go with it. Needs iptables.
   */
  public void cutPorts(int region, String ports) throws IOException, InterruptedException {
    iptables(region, "-A", ports);
    LOG.atInfo().addKeyValue("namespace", namespace(region)).log("cut region {} ({}) off on ports {} only",
        region + 1, host(region), ports);
  }

  /** Undoes {@link #cutPorts}. */
  public void joinPorts(int region, String ports) throws IOException, InterruptedException {
    iptables(region, "-D", ports);
    LOG.atInfo().addKeyValue("namespace", namespace(region)).log("joined region {} ({}) again on ports {}",
        region + 1, host(region), ports);
  }

  private void iptables(int region, String op, String ports) throws IOException, InterruptedException {
    for (String[] chain : List.of(new String[] {"INPUT", "-i"}, new String[] {"OUTPUT", "-o"})) {
      try {
        Run.out("ip", "netns", "exec", namespace(region), "iptables", "-w", op, chain[0], chain[1], "eth0", "-p", "tcp",
            "-m", "multiport", "--ports", ports, "-j", "DROP");
      } catch (IOException e) {
        if (e.getMessage().contains("No such file") || e.getMessage().contains("not found")) {
          throw new IOException("'iptables' is needed to cut only some ports: install it (Debian: apt-get install "
              + "iptables); " + e.getMessage(), e);
        }
        throw e;
      }
    }
  }

  private String wan() {
    return PREFIX + "-" + tag + "-wan";
  }

  private String link(int region) {
    return "r" + (region + 1);
  }

  private String hostLink() {
    return PREFIX + tag + "h";
  }

  /**
   * Deletes the namespaces (their veths go with them) and this host's link. Processes still
   * running inside a namespace keep it alive until they end: stop them first. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
    List<String> failures = new ArrayList<>();
    Run.quiet(failures, "ip", "link", "del", hostLink());
    for (int i = 0; i < regions; i++) {
      Run.quiet(failures, "ip", "netns", "del", namespace(i));
    }
    Run.quiet(failures, "ip", "netns", "del", wan());
    if (failures.isEmpty()) {
      LOG.info("network lab {} removed", tag);
    } else {
      LOG.warn("network lab {}: could not remove {}", tag, failures);
    }
  }

  /** Removes the namespaces and links of earlier runs whose JVM is gone. */
  static void sweep() throws IOException, InterruptedException {
    for (String line : Run.out("ip", "netns", "list").split("\n")) {
      String name = line.split(" ")[0];
      if (!name.startsWith(PREFIX + "-")) {
        continue;
      }
      String tag = name.substring(PREFIX.length() + 1, name.lastIndexOf('-'));
      long pid = ownerPid(tag);
      if (pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      LOG.info("removing network namespace {} left by an earlier run (process {} is gone)", name, pid);
      Run.quiet(new ArrayList<>(), "ip", "netns", "del", name);
    }
  }

  /** The PID in a tag ({@code <pid base 36>n<counter>}), or -1 when the name is not one of ours. */
  private static long ownerPid(String tag) {
    int n = tag.indexOf('n');
    try {
      return n > 0 ? Long.parseLong(tag.substring(0, n), 36) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Runs one command to its end, with a deadline. */
  static final class Run {
    private Run() {
    }

    static String out(String... command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within 30 s");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text.trim()
            + (text.contains("Operation not permitted") ? " (network namespaces need root)" : ""));
      }
      return text;
    }

    static void check(String... command) throws IOException, InterruptedException {
      try {
        out(command);
      } catch (IOException e) {
        if (e.getMessage().contains("Cannot run program")) {
          throw new IOException("'" + command[0] + "' (iproute2) is needed for network namespaces: install it "
              + "(Debian: apt-get install iproute2)", e);
        }
        throw e;
      }
    }

    static void quiet(List<String> failures, String... command) {
      try {
        out(command);
      } catch (IOException e) {
        if (!e.getMessage().contains("Cannot find device") && !e.getMessage().contains("No such file")) {
          failures.add(String.join(" ", command) + ": " + e.getMessage());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add(String.join(" ", command) + ": interrupted");
      }
    }
  }
}
