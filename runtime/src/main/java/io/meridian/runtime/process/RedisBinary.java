package io.meridian.runtime.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code redis-server} executable on the PATH, checked to be version 7 or newer. */
public record RedisBinary(Path path, String version) {

  public static final String INSTALL_HINT =
      "install Redis 7 or newer: on Debian/Ubuntu 'sudo apt-get install redis-server', "
          + "on macOS 'brew install redis'; then make sure 'redis-server' is on the PATH";

  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

  /** Finds and checks redis-server, or explains exactly what is missing. */
  public static RedisBinary locate() throws MissingPrerequisiteException {
    Path path = onPath("redis-server").orElseThrow(() ->
        new MissingPrerequisiteException("redis-server was not found on the PATH; " + INSTALL_HINT));
    String output;
    try {
      Process p = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new MissingPrerequisiteException(path + " --version did not answer within 10 s");
      }
    } catch (IOException e) {
      throw new MissingPrerequisiteException("cannot run " + path + ": " + e.getMessage() + "; " + INSTALL_HINT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MissingPrerequisiteException("interrupted while checking " + path);
    }
    Matcher m = VERSION.matcher(output);
    if (!m.find()) {
      throw new MissingPrerequisiteException("cannot tell the version of " + path + " from \"" + output + "\"; "
          + INSTALL_HINT);
    }
    int major = Integer.parseInt(m.group(1));
    String version = m.group(1) + "." + m.group(2) + "." + m.group(3);
    if (major < 7) {
      throw new MissingPrerequisiteException(path + " is Redis " + version + ", Meridian needs 7.0 or newer; "
          + INSTALL_HINT);
    }
    return new RedisBinary(path, version);
  }

  static Optional<Path> onPath(String name) {
    String pathVar = System.getenv("PATH");
    if (pathVar == null) {
      return Optional.empty();
    }
    for (String dir : pathVar.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
