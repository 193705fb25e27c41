package io.meridian.coordinator.placement;

/**
 * One node of a topology, planned or observed, named by its announced address.
 *
 * @param address   announced {@code host:port}
 * @param region    region from the spec
 * @param primaryOf for a replica, the announced address of the primary it follows; empty for a primary
 * @param slots     number of hash slots it owns (0 for replicas)
 */
public record NodeRole(String address, String region, java.util.Optional<String> primaryOf, int slots) {

  public NodeRole {
    java.util.Objects.requireNonNull(address, "address");
    java.util.Objects.requireNonNull(region, "region");
    java.util.Objects.requireNonNull(primaryOf, "primaryOf");
  }

  public boolean isPrimary() {
    return primaryOf.isEmpty();
  }
}
