package io.meridian.coordinator.operator;

import io.meridian.runtime.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks the operator token on mutating requests ({@code Authorization: Bearer <token>}).
 * Constant-time comparison; the token never appears in answers or logs.
 */
public final class OperatorToken {

  /** Why a request was not allowed, for the 401/403 answer. */
  public sealed interface Verdict permits Allowed, Denied {
  }

  public record Allowed() implements Verdict {
  }

  public record Denied(int status, String reason) implements Verdict {
  }

  private final Optional<Secret> token;

  public OperatorToken(Optional<Secret> token) {
    this.token = token;
  }

  public Verdict check(String authorizationHeader) {
    if (token.isEmpty()) {
      return new Denied(403, "the operator API is disabled on this coordinator: set operator.tokenEnv in its config");
    }
    if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
      return new Denied(401, "missing operator token: send 'Authorization: Bearer <token>'");
    }
    byte[] given = authorizationHeader.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    byte[] expected = token.get().reveal().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected) ? new Allowed() : new Denied(401, "wrong operator token");
  }
}
