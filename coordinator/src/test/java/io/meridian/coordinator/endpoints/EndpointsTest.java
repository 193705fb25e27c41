package io.meridian.coordinator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.NodeRole;
import io.meridian.coordinator.placement.Topology;
import io.meridian.runtime.config.RedisAuth;
import io.meridian.runtime.config.RedisTls;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  @Test
  void primariesFirstByRegionOrderThenReplicas() {
    Topology t = new Topology(Map.of(
        "10.2.0.1:6379", new NodeRole("10.2.0.1:6379", "ap", Optional.empty(), 5461),
        "10.0.0.1:6379", new NodeRole("10.0.0.1:6379", "eu", Optional.empty(), 5462),
        "10.0.0.2:6379", new NodeRole("10.0.0.2:6379", "eu", Optional.of("10.2.0.1:6379"), 0),
        "10.1.0.1:6379", new NodeRole("10.1.0.1:6379", "us", Optional.empty(), 5461),
        "10.1.0.9:6379", new NodeRole("10.1.0.9:6379", "us", Optional.empty(), 0)),
        Collections.nCopies(Topology.SLOTS, null), Map.of());
    List<Endpoints.Endpoint> e = Endpoints.of(List.of("eu", "us", "ap"), t);
    assertThat(e).extracting(Endpoints.Endpoint::address).containsExactly(
        "10.0.0.1:6379", "10.1.0.1:6379", "10.2.0.1:6379", "10.0.0.2:6379", "10.1.0.9:6379");
    assertThat(e.get(0).primary()).isTrue();
    assertThat(e.get(4).primary()).as("a primary without slots serves nothing").isFalse();
    RedisAuth none = RedisAuth.none();
    RedisAuth password = new RedisAuth(Optional.empty(), Optional.of(new io.meridian.runtime.config.Secret("s3cret")),
        Optional.empty(), Optional.empty());
    assertThat(Endpoints.redisCli(e, none)).isEqualTo("redis-cli -c -h 10.0.0.1 -p 6379");
    assertThat(Endpoints.redisCli(e, password)).isEqualTo("redis-cli -c -h 10.0.0.1 -p 6379 --askpass");
    assertThat(Endpoints.redisCli(e, password.withTls(Optional.of(new RedisTls(Path.of("/etc/ca.crt"),
        Optional.of(Path.of("/etc/c.crt")), Optional.of(Path.of("/etc/c.key")))))))
        .isEqualTo("redis-cli -c -h 10.0.0.1 -p 6379 --tls --cacert /etc/ca.crt --cert /etc/c.crt --key /etc/c.key"
            + " --askpass");
    assertThat(Endpoints.redisCli(e, none.withTls(Optional.of(new RedisTls(Path.of("/etc/ca.crt"), Optional.empty(),
        Optional.empty()))))).isEqualTo("redis-cli -c -h 10.0.0.1 -p 6379 --tls --cacert /etc/ca.crt");
  }
}
