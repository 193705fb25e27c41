package io.meridian.coordinator.rebalance;

import io.meridian.coordinator.placement.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which slots move where so that a new set of primaries owns even shares (sizes differing by at
 * most one), moving as few slots as possible: primaries that stay keep what they have up to their
 * share, owners that leave give everything away. Pure and deterministic.
 */
public final class SlotShare {

  /** {@code slots} (ascending) move from {@code from} to {@code to}. */
  public record Transfer(String from, String to, List<Integer> slots) {
    public Transfer {
      slots = List.copyOf(slots);
    }
  }

  private SlotShare() {
  }

  /**
   * @param owned     every current owner → its slots, ascending
   * @param primaries the primaries after the change, in the order that breaks ties (the first get the larger shares)
   * @throws IllegalArgumentException without primaries, or with more primaries than slots
   */
  public static List<Transfer> plan(Map<String, List<Integer>> owned, List<String> primaries) {
    if (primaries.isEmpty() || primaries.size() > Topology.SLOTS) {
      throw new IllegalArgumentException("need 1 to " + Topology.SLOTS + " primaries, got " + primaries.size());
    }
    int total = owned.values().stream().mapToInt(List::size).sum();
    // Larger shares go to those that already own the most, so fewer slots move.
    List<String> bySize = primaries.stream()
        .sorted(Comparator.comparingInt((String p) -> -owned.getOrDefault(p, List.of()).size())
            .thenComparingInt(primaries::indexOf))
        .toList();
    Map<String, Integer> target = new LinkedHashMap<>();
    for (int i = 0; i < bySize.size(); i++) {
      target.put(bySize.get(i), total / bySize.size() + (i < total % bySize.size() ? 1 : 0));
    }
    List<Integer> pool = new ArrayList<>();
    List<String> poolFrom = new ArrayList<>();
    owned.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      int keep = target.getOrDefault(e.getKey(), 0);
      List<Integer> slots = e.getValue();
      // Give away the highest slots, so the ranges that stay remain contiguous.
      for (int slot : slots.subList(Math.min(keep, slots.size()), slots.size())) {
        pool.add(slot);
        poolFrom.add(e.getKey());
      }
    });
    Map<String, Map<String, List<Integer>>> moves = new LinkedHashMap<>();
    int next = 0;
    for (String primary : bySize) {
      int need = target.get(primary) - Math.min(owned.getOrDefault(primary, List.of()).size(), target.get(primary));
      for (int i = 0; i < need; i++, next++) {
        moves.computeIfAbsent(poolFrom.get(next), f -> new LinkedHashMap<>())
            .computeIfAbsent(primary, t -> new ArrayList<>()).add(pool.get(next));
      }
    }
    List<Transfer> transfers = new ArrayList<>();
    moves.forEach((from, byTarget) -> byTarget.forEach((to, slots) ->
        transfers.add(new Transfer(from, to, slots.stream().sorted().toList()))));
    return List.copyOf(transfers);
  }
}
