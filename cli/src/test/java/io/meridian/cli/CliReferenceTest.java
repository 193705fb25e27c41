package io.meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The docs stay true to the command line: every option of every command is documented somewhere
 * under docs/ (or the README), and every option a usage line of the CLI reference shows exists.
 */
class CliReferenceTest {

  private static final Path DOCS = Path.of("..", "docs");
  private static final Path CLI_REFERENCE = DOCS.resolve("reference").resolve("cli.md");
  private static final Pattern USAGE = Pattern.compile("^\\./meridian ([a-z-]+)( .*)?$", Pattern.MULTILINE);
  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*)");

  private static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all = new java.util.TreeMap<>();
    collect(Meridian.commandLine(), "", all);
    return all;
  }

  private static void collect(CommandLine cli, String prefix, Map<String, CommandLine> into) {
    // Aliases (list for status) are keys too, of the same command.
    cli.getSubcommands().forEach((name, sub) -> {
      String qualified = (prefix + " " + name).trim();
      into.put(qualified, sub);
      if (sub.getCommandSpec().name().equals(name)) {
        collect(sub, qualified, into);
      }
    });
  }

  private static String allDocs() throws Exception {
    StringBuilder text = new StringBuilder(Files.readString(Path.of("..", "README.md")));
    try (Stream<Path> files = Files.walk(DOCS)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".md")).toList()) {
        text.append('\n').append(Files.readString(f));
      }
    }
    return text.toString();
  }

  @Test
  void everyOptionOfEveryCommandIsDocumented() throws Exception {
    String docs = allDocs();
    List<String> missing = new ArrayList<>();
    commands().entrySet().stream().filter(e -> e.getKey().endsWith(e.getValue().getCommandSpec().name()))
        .forEach(e -> e.getValue().getCommandSpec().options().stream()
        .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp())
        .map(CommandLine.Model.OptionSpec::longestName)
        .filter(option -> !Pattern.compile("(?<![\\w-])" + Pattern.quote(option) + "(?![\\w-])").matcher(docs).find())
        .forEach(option -> missing.add(e.getKey() + " " + option)));
    assertThat(missing).as("options no page under docs/ mentions").isEmpty();
  }

  @Test
  void everyOptionAUsageLineOfTheReferenceShowsExists() throws Exception {
    Map<String, CommandLine> commands = commands();
    Matcher usage = USAGE.matcher(Files.readString(CLI_REFERENCE));
    Set<String> wrong = new TreeSet<>();
    int lines = 0;
    while (usage.find()) {
      lines++;
      CommandLine cli = commands.get(usage.group(1));
      assertThat(cli).as("./meridian %s in cli.md is a command", usage.group(1)).isNotNull();
      Matcher option = OPTION.matcher(usage.group(2) == null ? "" : usage.group(2));
      while (option.find()) {
        if (cli.getCommandSpec().findOption(option.group(1)) == null) {
          wrong.add(usage.group(1) + " " + option.group(1));
        }
      }
    }
    assertThat(lines).isGreaterThanOrEqualTo(6);
    assertThat(wrong).as("options the CLI reference shows that the command does not have").isEmpty();
  }
}
