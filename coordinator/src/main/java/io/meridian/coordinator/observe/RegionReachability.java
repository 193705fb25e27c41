package io.meridian.coordinator.observe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which regions reports arrive from, look after look, and which were lost or came back in between.
 * A region never heard from is not "back" when it first is: at start every region is. Pure.
 *
 * @param reachable the regions reachable at the last look
 * @param ever      every region reachable at some look
 */
public record RegionReachability(Set<String> reachable, Set<String> ever) {

  public RegionReachability {
    reachable = Set.copyOf(reachable);
    ever = Set.copyOf(ever);
  }

  public static RegionReachability none() {
    return new RegionReachability(Set.of(), Set.of());
  }

  /** A region lost ({@code lost}) or back since the last look. */
  public record Change(String region, boolean lost) {
  }

  /** The next look and what changed since this one, in the order of {@code regions}. */
  public record Step(RegionReachability next, List<Change> changes) {
  }

  public Step look(Collection<String> regions, Set<String> reachableNow) {
    List<Change> changes = new ArrayList<>();
    for (String region : regions) {
      boolean was = reachable.contains(region);
      boolean is = reachableNow.contains(region);
      if (was && !is) {
        changes.add(new Change(region, true));
      } else if (!was && is && ever.contains(region)) {
        changes.add(new Change(region, false));
      }
    }
    Set<String> everNow = new TreeSet<>(ever);
    everNow.addAll(reachableNow);
    return new Step(new RegionReachability(reachableNow, everNow), List.copyOf(changes));
  }
}
