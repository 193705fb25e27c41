package io.meridian.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.config.AgentConfig;
import io.meridian.cli.security.DevSecurity;
import io.meridian.coordinator.config.CoordinatorConfig;
import io.meridian.runtime.spec.ClusterSpecReader;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples in docs/reference/configuration.md are read by the real readers: each must be
 * accepted (a field they do not know is an error), and every field a reader asks for, defaults
 * included, must appear in its example (set, or commented out with its default). A knob added to
 * the code without a line in the reference fails here.
 */
class ConfigurationDocsTest {

  private static final Path DOC = Path.of("..", "docs", "reference", "configuration.md");
  private static final Map<String, String> ENV = Map.of("MERIDIAN_REDIS_PASSWORD", "docs-example-password",
      "MERIDIAN_OPERATOR_TOKEN", "docs-example-operator-token", "MERIDIAN_HOOK_TOKEN", "docs-example-hook-token");
  /** {@code key:} at the start of a line, after list dashes and the {@code # } of a commented-out field. */
  private static final Pattern KEY = Pattern.compile("^( *)((?:- )*)([A-Za-z][A-Za-z0-9]*):(?: |$)");

  @TempDir
  Path dir;

  @Test
  void everyFieldTheAgentReadsIsInTheReference() throws Exception {
    Files.writeString(dir.resolve("spec.yaml"), block("## spec.yaml"));
    String example = local(block("## agent.yaml"));
    ConfigNode root = ConfigFiles.parse("agent.yaml", example);
    AgentConfig.read(root, ENV);
    assertThat(undocumented(root, documented(example))).as("agent.yaml fields missing from %s", DOC).isEmpty();
  }

  @Test
  void everyFieldTheCoordinatorReadsIsInTheReference() throws Exception {
    Files.writeString(dir.resolve("spec.yaml"), block("## spec.yaml"));
    // Its bus and log sections are "as in agent.yaml": the agent's example documents their fields.
    String example = local(block("## coordinator.yaml")).replace("  members: [10.0.0.2:5701, 10.0.1.2:5701, 10.0.2.2:5701]\n",
        "  members: [10.0.0.2:5701, 10.0.1.2:5701, 10.0.2.2:5701]\n" + DevSecurity.yaml(dir.resolve("tls"),
        io.meridian.runtime.bus.BusConfig.Role.COORDINATOR));
    ConfigNode root = ConfigFiles.parse("coordinator.yaml", example);
    CoordinatorConfig.read(root, dir, ENV);
    Set<String> documented = documented(example);
    documented(local(block("## agent.yaml"))).stream().filter(p -> p.startsWith("bus.") || p.startsWith("log."))
        .forEach(documented::add);
    assertThat(undocumented(root, documented)).as("coordinator.yaml fields missing from %s", DOC).isEmpty();
  }

  @Test
  void everyFieldOfTheSpecIsInTheReference() throws Exception {
    String example = block("## spec.yaml");
    ConfigNode root = ConfigFiles.parse("spec.yaml", example);
    ClusterSpecReader.read(root, ENV);
    assertThat(undocumented(root, documented(example))).as("spec.yaml fields missing from %s", DOC).isEmpty();
  }

  /** The first yaml block after {@code heading}. */
  private static String block(String heading) throws Exception {
    String doc = Files.readString(DOC);
    int at = doc.indexOf("\n" + heading + "\n");
    assertThat(at).as("%s has a section %s", DOC, heading).isNotNegative();
    int start = doc.indexOf("```yaml\n", at) + "```yaml\n".length();
    return doc.substring(start, doc.indexOf("```", start));
  }

  /** The example with its /etc/meridian files made real under the test's folder. */
  private String local(String example) throws Exception {
    Path tls = DevSecurity.ensure(dir.resolve("tls"), List.of());
    return example.replace("/etc/meridian/tls/", tls.toAbsolutePath() + "/")
        .replace("/etc/meridian/bus.key", tls.resolve(DevSecurity.BUS_KEY).toAbsolutePath().toString())
        .replace("/etc/meridian/leader.pub", tls.resolve(DevSecurity.LEADER_PUBLIC_KEY).toAbsolutePath().toString())
        .replace("/etc/meridian/leader.key", tls.resolve(DevSecurity.LEADER_KEY).toAbsolutePath().toString())
        .replace("/etc/meridian/spec.yaml", dir.resolve("spec.yaml").toAbsolutePath().toString());
  }

  private static Set<String> undocumented(ConfigNode root, Set<String> documented) {
    return root.fieldsRead().stream().map(p -> p.replaceAll("\\[\\d+]", "")).filter(p -> !documented.contains(p))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every field path the example names, set or commented out ({@code # field:}), list items without index. */
  static Set<String> documented(String example) {
    Set<String> paths = new TreeSet<>();
    Deque<Object[]> open = new ArrayDeque<>();
    for (String raw : example.split("\n")) {
      String line = raw.replaceFirst("^( *)# ", "$1");
      Matcher m = KEY.matcher(line);
      if (!m.find()) {
        continue;
      }
      int indent = m.group(1).length() + m.group(2).length();
      while (!open.isEmpty() && (int) open.peek()[0] >= indent) {
        open.pop();
      }
      StringBuilder path = new StringBuilder();
      open.descendingIterator().forEachRemaining(o -> path.append(o[1]).append('.'));
      path.append(m.group(3));
      paths.add(path.toString());
      open.push(new Object[] {indent, m.group(3)});
    }
    return paths;
  }
}
