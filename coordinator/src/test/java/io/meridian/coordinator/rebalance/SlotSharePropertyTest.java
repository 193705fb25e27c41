package io.meridian.coordinator.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.placement.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Adding and removing primaries over an even layout: shares end even, and only the slots that must move do. */
class SlotSharePropertyTest {

  @Property(tries = 300)
  void sharesEndEvenAndNoSlotMovesTwice(@ForAll @IntRange(min = 1, max = 12) int before,
      @ForAll @IntRange(min = 0, max = 4) int added, @ForAll @IntRange(min = 0, max = 4) int removed) {
    Map<String, List<Integer>> owned = new LinkedHashMap<>();
    List<Integer> all = IntStream.range(0, Topology.SLOTS).boxed().toList();
    int size = Topology.SLOTS / before;
    for (int i = 0; i < before; i++) {
      owned.put("p" + i, all.subList(i * size, i == before - 1 ? Topology.SLOTS : (i + 1) * size));
    }
    List<String> after = new ArrayList<>();
    for (int i = Math.min(removed, before - 1); i < before; i++) {
      after.add("p" + i);
    }
    for (int i = 0; i < added; i++) {
      after.add("n" + i);
    }
    List<SlotShare.Transfer> transfers = SlotShare.plan(owned, after);

    Map<Integer, String> owner = new HashMap<>();
    owned.forEach((p, slots) -> slots.forEach(s -> owner.put(s, p)));
    int moved = 0;
    for (SlotShare.Transfer t : transfers) {
      for (int slot : t.slots()) {
        assertThat(owner.get(slot)).as("slot %d moves from its owner", slot).isEqualTo(t.from());
        owner.put(slot, t.to());
        moved++;
      }
    }
    Map<String, Integer> counts = new HashMap<>();
    owner.values().forEach(p -> counts.merge(p, 1, Integer::sum));
    assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(after);
    int most = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int fewest = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    assertThat(most - fewest).isLessThanOrEqualTo(1);
    // Only the slots above a staying primary's share, and all of a leaving one's, move.
    int mustMove = 0;
    for (Map.Entry<String, List<Integer>> e : owned.entrySet()) {
      int share = after.contains(e.getKey()) ? counts.get(e.getKey()) : 0;
      mustMove += Math.max(0, e.getValue().size() - share);
    }
    assertThat(moved).isEqualTo(mustMove);
  }
}
