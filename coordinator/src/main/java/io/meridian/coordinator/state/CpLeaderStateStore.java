package io.meridian.coordinator.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.IAtomicReference;
import io.meridian.coordinator.decide.FailoverMemory;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover memory in the coordinators' CP group, as JSON in an {@link IAtomicReference}: a
 * linearizable register that survives any minority of coordinators, so a new leader reads what
 * the old one last wrote. Every write is a compare-and-set that first checks the stored term, so
 * a deposed leader's late write can never replace its successor's memory. Every call blocks.
 */
public final class CpLeaderStateStore implements LeaderStateStore {

  private static final Logger LOG = LoggerFactory.getLogger(CpLeaderStateStore.class);

  /** The leadership member now: a coordinator that rejoins the CP group does so with a new instance. */
  private final Supplier<HazelcastInstance> hazelcast;
  private final String name;

  public CpLeaderStateStore(Supplier<HazelcastInstance> hazelcast, String cluster) {
    this.hazelcast = hazelcast;
    this.name = "meridian-failover-memory-" + cluster;
  }

  private IAtomicReference<String> register() {
    return hazelcast.get().getCPSubsystem().getAtomicReference(name);
  }

  @Override
  public Optional<FailoverMemory> claim(long term) {
    IAtomicReference<String> register = register();
    while (true) {
      String text = register.get();
      Optional<FailoverMemoryCodec.Stamped> stored = read(text);
      if (stored.isPresent() && stored.get().term() > term) {
        throw new IllegalStateException("a later leader (term " + stored.get().term() + ") holds the failover memory");
      }
      Optional<FailoverMemory> memory = stored.map(FailoverMemoryCodec.Stamped::memory);
      if (register.compareAndSet(text, FailoverMemoryCodec.encode(memory.orElse(FailoverMemory.empty()), term))) {
        return memory;
      }
    }
  }

  @Override
  public boolean save(FailoverMemory memory, long term) {
    IAtomicReference<String> register = register();
    while (true) {
      String text = register.get();
      Optional<FailoverMemoryCodec.Stamped> stored = read(text);
      if (stored.isPresent() && stored.get().term() > term) {
        return false;
      }
      if (register.compareAndSet(text, FailoverMemoryCodec.encode(memory, term))) {
        return true;
      }
    }
  }

  private Optional<FailoverMemoryCodec.Stamped> read(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(FailoverMemoryCodec.decode(text));
    } catch (IllegalArgumentException e) {
      LOG.atError().addKeyValue("register", name).log("the failover memory in the CP group is unreadable ({}); "
          + "starting from an empty one: anti-flapping and promotions in progress are forgotten", e.getMessage());
      return Optional.empty();
    }
  }
}
