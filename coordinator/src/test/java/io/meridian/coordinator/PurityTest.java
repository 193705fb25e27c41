package io.meridian.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages that decide (view, analysis and failover decisions, placement, rebalance, scale)
 * are plain Java over immutable data: no event bus, no cluster manager, no Redis client, no clock
 * of their own (time is passed in), no threads. Their tests can then replay any situation exactly,
 * and the adapters around them stay the only place where I/O happens.
 */
class PurityTest {

  private static final Path SOURCES = Path.of("src/main/java/io/meridian/coordinator");
  private static final List<String> PURE = List.of("view", "decide", "placement", "rebalance", "scale");
  private static final Pattern IMPURE = Pattern.compile(
      "import\\s+(static\\s+)?(io\\.vertx|com\\.hazelcast|org\\.redisson|java\\.time\\.Clock|java\\.net|java\\.nio"
          + "|java\\.io\\.File|java\\.util\\.concurrent)"
          + "|Instant\\.now\\(|LocalDateTime\\.now\\(|System\\.currentTimeMillis\\(|System\\.nanoTime\\("
          + "|new Thread\\(|Thread\\.sleep\\(|LockSupport\\.");

  @Test
  void theDecidingPackagesDoNoIoAndReadNoClock() throws IOException {
    List<String> found = new ArrayList<>();
    int files = 0;
    for (String pkg : PURE) {
      try (Stream<Path> sources = Files.walk(SOURCES.resolve(pkg))) {
        for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
          files++;
          List<String> lines = Files.readAllLines(file);
          for (int i = 0; i < lines.size(); i++) {
            if (IMPURE.matcher(lines.get(i)).find()) {
              found.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
            }
          }
        }
      }
    }
    assertThat(files).as("source files read").isGreaterThan(20);
    assertThat(found).as("I/O or clock reads in the deciding packages").isEmpty();
  }

  @Test
  void thePatternCatchesWhatItIsFor() {
    for (String impure : List.of("import io.vertx.core.Vertx;", "import java.time.Clock;",
        "Instant now = Instant.now();", "import com.hazelcast.core.HazelcastInstance;",
        "import org.redisson.api.RedissonClient;", "LockSupport.parkNanos(1000);")) {
      assertThat(IMPURE.matcher(impure).find()).as(impure).isTrue();
    }
    assertThat(IMPURE.matcher("import java.time.Instant;").find()).isFalse();
  }
}
