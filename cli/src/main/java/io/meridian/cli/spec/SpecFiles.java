package io.meridian.cli.spec;

import io.meridian.runtime.spec.ClusterSpec;
import io.meridian.runtime.spec.ClusterSpecReader;
import io.meridian.runtime.config.ConfigException;
import java.nio.file.Path;

/** Loading a spec for a command, with the error on stderr. */
final class SpecFiles {

  private SpecFiles() {
  }

  /** The spec, or null after printing why it cannot be used. */
  static ClusterSpec load(Path file, String command) {
    try {
      return ClusterSpecReader.load(file, System.getenv());
    } catch (ConfigException e) {
      System.err.println("meridian " + command + ": invalid spec: " + e.getMessage());
      return null;
    }
  }
}
