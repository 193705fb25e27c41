package io.meridian.messages;

/** Syntax of the {@code host:port} strings that name Redis nodes everywhere in Meridian. */
public final class NodeAddress {

  private NodeAddress() {
  }

  /** True for {@code host:port} with a non-blank host and a port in 1..65535 (IPv6 as {@code [::1]:7000}). */
  public static boolean isValid(String address) {
    if (address == null) {
      return false;
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      return false;
    }
    String host = address.substring(0, colon);
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      return false;
    }
    if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
      return false;
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public static String host(String address) {
    String host = address.substring(0, address.lastIndexOf(':'));
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  public static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
