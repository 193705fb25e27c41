package io.meridian.runtime.process;

/** Something the machine must have (a binary, a free port) is missing; the message says how to fix it. */
public final class MissingPrerequisiteException extends Exception {

  public MissingPrerequisiteException(String message) {
    super(message, null, false, false);
  }
}
