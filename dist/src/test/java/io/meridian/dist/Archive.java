package io.meridian.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The distribution this build made (or its sources), as the tests use it. */
final class Archive {

  /** The files that go into the archive, as in the source tree. */
  static final Path SOURCES = Path.of("src", "main", "dist");

  private Archive() {
  }

  /** {@code target/meridian-VERSION.tar.gz}, as the build's package phase left it. */
  static Path file() throws IOException {
    String configured = System.getProperty("meridian.archive");
    if (configured != null) {
      return Path.of(configured);
    }
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files.filter(p -> p.getFileName().toString().matches("meridian-.*\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no target/meridian-*.tar.gz: run 'mvn package' first"));
    }
  }

  /**
   * Unpacks the archive into {@code into} with the system's tar (which keeps file modes, as an
   * operator's would) and returns its single top directory, {@code meridian-VERSION}.
   */
  static Path unpack(Path into) throws IOException, InterruptedException {
    Files.createDirectories(into);
    Process tar = new ProcessBuilder("tar", "-xzf", file().toAbsolutePath().toString(), "-C", into.toString())
        .redirectErrorStream(true).start();
    String output = new String(tar.getInputStream().readAllBytes());
    if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
      tar.destroyForcibly();
      throw new IOException("tar -xzf " + file() + " failed: " + output);
    }
    try (Stream<Path> top = Files.list(into)) {
      List<Path> dirs = top.toList();
      if (dirs.size() != 1 || !dirs.get(0).getFileName().toString().startsWith("meridian-")) {
        throw new IOException("expected one meridian-VERSION directory in the archive, got " + dirs);
      }
      return dirs.get(0);
    }
  }
}
