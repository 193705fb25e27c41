package io.meridian.coordinator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.runtime.config.Secret;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OperatorTokenTest {

  private final OperatorToken token = new OperatorToken(Optional.of(new Secret("0123456789abcdef-token")));

  @Test
  void onlyTheRightBearerTokenIsAllowed() {
    assertThat(token.check("Bearer 0123456789abcdef-token")).isInstanceOf(OperatorToken.Allowed.class);
    assertThat(token.check("Bearer wrong")).isEqualTo(new OperatorToken.Denied(401, "wrong operator token"));
    assertThat(token.check(null)).isEqualTo(new OperatorToken.Denied(401,
        "missing operator token: send 'Authorization: Bearer <token>'"));
    assertThat(token.check("Basic abc")).isInstanceOf(OperatorToken.Denied.class);
  }

  @Test
  void withoutAConfiguredTokenTheOperatorApiIsOff() {
    assertThat(new OperatorToken(Optional.empty()).check("Bearer anything"))
        .isEqualTo(new OperatorToken.Denied(403, "the operator API is disabled on this coordinator: set operator.tokenEnv in its config"));
  }
}
