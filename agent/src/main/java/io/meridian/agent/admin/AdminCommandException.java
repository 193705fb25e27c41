package io.meridian.agent.admin;

/**
 * A Redis command of an administrative tool failed. The message carries the node, the command
 * name and Redis's own error text, never the command's arguments (they may hold a password).
 */
public final class AdminCommandException extends RuntimeException {

  AdminCommandException(String message) {
    super(message, null, false, false);
  }
}
