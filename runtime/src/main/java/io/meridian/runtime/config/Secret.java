package io.meridian.runtime.config;

import java.util.Objects;

/** A password or token. Its {@code toString} never shows the value, so it cannot leak into logs. */
public final class Secret {

  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret itself; call only where it is handed to a client library. */
  public String reveal() {
    return value;
  }

  /** Equal when the values are: a reloaded config can tell whether the password changed. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "****";
  }
}
