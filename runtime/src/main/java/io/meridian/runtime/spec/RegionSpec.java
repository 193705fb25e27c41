package io.meridian.runtime.spec;

import java.util.List;
import java.util.Objects;

/** A region and its nodes, in the order the operator listed them. */
public record RegionSpec(String name, List<NodeSpec> nodes) {

  public RegionSpec {
    Objects.requireNonNull(name, "name");
    nodes = List.copyOf(nodes);
  }
}
