package io.meridian.runtime.http;

/**
 * Whether a process does its job yet ({@code GET /ready}: 200 or 503), with the reason either way,
 * so that whoever waits on it (a service manager, a load balancer, an operator) knows what for.
 */
public record Readiness(boolean ready, String reason) {

  public static Readiness ready(String reason) {
    return new Readiness(true, reason);
  }

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
