package io.meridian.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.messages.ProbeFailure.Kind;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;

class FailureClassifierTest {

  @Test
  void connectionRefusedAnywhereInTheChainMeansTheProcessIsGone() {
    Throwable t = new RedisConnectionException("Unable to connect", new ConnectException("Connection refused: /127.0.0.1:7000"));
    assertThat(FailureClassifier.classify(t, "127.0.0.1:7000").kind()).isEqualTo(Kind.REFUSED);
  }

  @Test
  void otherConnectFailuresAreNotCalledRefused() {
    Throwable t = new ConnectException("No route to host");
    assertThat(FailureClassifier.classify(t, "10.0.0.1:7000").kind()).isEqualTo(Kind.ERROR);
  }

  @Test
  void deadlinesAndRedissonTimeoutsAreTimeouts() {
    assertThat(FailureClassifier.classify(new ProbeTimeoutException("no answer within 500 ms"), "n:1").kind())
        .isEqualTo(Kind.TIMEOUT);
    assertThat(FailureClassifier.classify(new RedisTimeoutException("Command execution timeout"), "n:1").kind())
        .isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void authenticationErrorsAreSaidWithoutSecrets() {
    var f = FailureClassifier.classify(new RedisException("WRONGPASS invalid username-password pair"), "n:1");
    assertThat(f.kind()).isEqualTo(Kind.AUTH);
    assertThat(f.detail()).contains("authentication to n:1 failed");
  }
}
