package io.meridian.agent.probe;

/** The probe's own deadline passed before the node answered everything. */
final class ProbeTimeoutException extends Exception {

  ProbeTimeoutException(String message) {
    super(message, null, false, false);
  }
}
