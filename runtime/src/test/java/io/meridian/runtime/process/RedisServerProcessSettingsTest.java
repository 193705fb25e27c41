package io.meridian.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A password-protected node's redis.conf settings: quoted, and refused when a quote cannot hold them. */
class RedisServerProcessSettingsTest {

  @Test
  void aPasswordIsRequiredFromClientsAndGivenToThePrimaryQuoted() {
    assertThat(RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5), "s3cr-t_x"))
        .containsEntry("cluster-enabled", "yes")
        .containsEntry("cluster-node-timeout", "5000")
        .containsEntry("requirepass", "\"s3cr-t_x\"")
        .containsEntry("masterauth", "\"s3cr-t_x\"");
    assertThat(RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5))).doesNotContainKeys("requirepass",
        "masterauth");
  }

  @Test
  void aPasswordThatAQuotedValueCannotHoldIsRefusedWithoutRepeatingIt() {
    for (String bad : new String[] {"", "a\"b", "a\\b", "a\nb", "a\rb"}) {
      assertThatThrownBy(() -> RedisServerProcess.clusterNodeSettings(Duration.ofSeconds(5), bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a Redis password for redis.conf must be non-empty and hold no quote, backslash or line break");
    }
  }
}
