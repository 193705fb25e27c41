package io.meridian.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.agent.admin.NodeAdmin;
import io.meridian.agent.probe.NodeProbe;
import io.meridian.agent.probe.ProbeResources;
import io.meridian.agent.probe.ProbeResult;
import io.meridian.messages.ProbeFailure;
import io.meridian.messages.RedisState;
import io.meridian.runtime.config.RedisAuth;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Given Redis in a real container (the image is built locally from the installed redis-server by
 * scripts/test.sh; MERIDIAN_REDIS_IMAGE names it), the probe reads it through Docker's port
 * mapping, and a paused container (cgroup freezer, like a hung host) is a timeout.
 */
class ContainerizedRedisProbeIT {

  private static final String IMAGE = System.getenv().getOrDefault("MERIDIAN_REDIS_IMAGE", "meridian/redis:local");

  private Vertx vertx;
  private ProbeResources resources;
  private GenericContainer<?> redis;

  private static final String PASSWORD = "container-s3cret";

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    resources = new ProbeResources();
  }

  private void startRedis(String... extraArgs) {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("--protected-mode", "no",
        "--cluster-enabled", "yes"));
    command.addAll(java.util.List.of(extraArgs));
    redis = new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withCommand(command.toArray(String[]::new))
        .withExposedPorts(6379);
    redis.start();
  }

  private String address() {
    return redis.getHost().replace("localhost", "127.0.0.1") + ":" + redis.getMappedPort(6379);
  }

  @Test
  void aPasswordProtectedNodeIsProbedWithThePasswordAndRefusesWithoutIt() throws Exception {
    startRedis("--requirepass", PASSWORD);
    Context context = vertx.getOrCreateContext();
    NodeProbe withPassword = new NodeProbe(address(), context, resources, Duration.ofMillis(1000),
        new RedisAuth(java.util.Optional.empty(), java.util.Optional.of(new io.meridian.runtime.config.Secret(PASSWORD))));
    NodeProbe without = new NodeProbe(address(), context, resources, Duration.ofMillis(1000), RedisAuth.none());
    try {
      assertThat(probeOnce(withPassword, context).state()).isPresent();
      ProbeResult refused = probeOnce(without, context);
      assertThat(refused.failure().map(ProbeFailure::kind)).contains(ProbeFailure.Kind.AUTH);
      assertThat(refused.failure().orElseThrow().detail()).doesNotContain(PASSWORD);
    } finally {
      context.runOnContext(v -> {
        withPassword.close();
        without.close();
      });
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (redis != null) {
      redis.stop();
    }
    if (resources != null) {
      resources.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private ProbeResult probeOnce(NodeProbe probe, Context context) throws Exception {
    Promise<ProbeResult> result = Promise.promise();
    context.runOnContext(v -> probe.probe().onComplete(result));
    return result.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void probesAContainerizedNodeAndSeesItFreeze() throws Exception {
    startRedis();
    String address = address();
    Context context = vertx.getOrCreateContext();
    NodeProbe probe = new NodeProbe(address, context, resources, Duration.ofMillis(500), RedisAuth.none());
    try {
      RedisState fresh = probeOnce(probe, context).state().orElseThrow();
      assertThat(fresh.role()).isEqualTo(RedisState.Role.PRIMARY);
      assertThat(fresh.clusterEnabled()).isTrue();
      assertThat(fresh.clusterState()).contains("fail");
      assertThat(fresh.slotCount()).isZero();

      try (NodeAdmin admin = new NodeAdmin(address, RedisAuth.none(), Duration.ofSeconds(5))) {
        admin.call("CLUSTER", "ADDSLOTSRANGE", 0, 16383);
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        RedisState s = probeOnce(probe, context).state().orElseThrow();
        assertThat(s.clusterState()).contains("ok");
        assertThat(s.slotCount()).isEqualTo(16384);
      });

      redis.getDockerClient().pauseContainerCmd(redis.getContainerId()).exec();
      try {
        ProbeResult frozen = probeOnce(probe, context);
        assertThat(frozen.failure().map(ProbeFailure::kind)).contains(ProbeFailure.Kind.TIMEOUT);
      } finally {
        redis.getDockerClient().unpauseContainerCmd(redis.getContainerId()).exec();
      }
      assertThat(probeOnce(probe, context).state()).isPresent();
    } finally {
      context.runOnContext(v -> probe.close());
    }
  }
}
