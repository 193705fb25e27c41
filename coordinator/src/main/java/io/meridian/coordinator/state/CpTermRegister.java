package io.meridian.coordinator.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.IAtomicReference;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A piece of leader state in the coordinators' CP group, as JSON in an {@link IAtomicReference}:
 * a linearizable register that survives any minority of coordinators, so a new leader reads what
 * the old one last wrote. Every write is a compare-and-set that first checks the stored term, so a
 * deposed leader's late write can never replace its successor's. Every call blocks.
 */
public final class CpTermRegister<T> implements TermRegister<T> {

  private static final Logger LOG = LoggerFactory.getLogger(CpTermRegister.class);

  /** A value with the term of the leader that wrote it. */
  public record Stamped<T>(long term, T value) {
  }

  /** The value as text and back; {@code decode} throws {@link IllegalArgumentException} naming what is wrong. */
  public interface Codec<T> {
    String encode(T value, long term);

    Stamped<T> decode(String text);
  }

  /** The leadership member now: a coordinator that rejoins the CP group does so with a new instance. */
  private final Supplier<HazelcastInstance> hazelcast;
  private final String name;
  private final String what;
  private final Codec<T> codec;
  private final T empty;

  /**
   * @param what  what it holds, for the log ("the failover memory")
   * @param empty what a claim leaves in the register when nothing readable was there
   */
  public CpTermRegister(Supplier<HazelcastInstance> hazelcast, String name, String what, Codec<T> codec, T empty) {
    this.hazelcast = hazelcast;
    this.name = name;
    this.what = what;
    this.codec = codec;
    this.empty = empty;
  }

  private IAtomicReference<String> register() {
    return hazelcast.get().getCPSubsystem().getAtomicReference(name);
  }

  @Override
  public Optional<T> claim(long term) {
    IAtomicReference<String> register = register();
    while (true) {
      String text = register.get();
      Optional<Stamped<T>> stored = read(text);
      if (stored.isPresent() && stored.get().term() > term) {
        throw new IllegalStateException("a later leader (term " + stored.get().term() + ") holds " + what);
      }
      Optional<T> value = stored.map(Stamped::value);
      if (register.compareAndSet(text, codec.encode(value.orElse(empty), term))) {
        return value;
      }
    }
  }

  @Override
  public boolean save(T value, long term) {
    IAtomicReference<String> register = register();
    while (true) {
      String text = register.get();
      Optional<Stamped<T>> stored = read(text);
      if (stored.isPresent() && stored.get().term() > term) {
        return false;
      }
      if (register.compareAndSet(text, codec.encode(value, term))) {
        return true;
      }
    }
  }

  private Optional<Stamped<T>> read(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(codec.decode(text));
    } catch (IllegalArgumentException e) {
      LOG.atError().addKeyValue("register", name).log("{} in the CP group is unreadable ({}); starting from an empty "
          + "one: what the previous leader kept there is forgotten", what, e.getMessage());
      return Optional.empty();
    }
  }
}
