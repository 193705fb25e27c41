package io.meridian.coordinator.act;

import io.meridian.coordinator.decide.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of a cycle's decisions say something new about their shard, so that the loop logs, records
 * and counts a decision once rather than every second. A shard without a decision in a cycle is
 * forgotten: trouble that comes back later with the same words (an agent silent again) is news
 * again.
 */
final class ChangedReasons {

  private final Map<String, String> last = new HashMap<>();

  /** The decisions whose reason differs from their shard's reason in the previous cycle. */
  List<Decision> news(List<Decision> decisions) {
    Set<String> decided = new HashSet<>();
    List<Decision> news = new ArrayList<>();
    for (Decision d : decisions) {
      String shard = d.action().shard();
      decided.add(shard);
      if (!d.reason().equals(last.put(shard, d.reason()))) {
        news.add(d);
      }
    }
    last.keySet().retainAll(decided);
    return news;
  }

  void clear() {
    last.clear();
  }
}
