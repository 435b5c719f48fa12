package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests the guard rejected, per {@link Reason}; safe to update from every event loop at
 * once. Metrics exporters read {@link #snapshot()}.
 */
public final class RejectionCounter {

  private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);

  /** Creates a counter with every reason at 0. */
  public RejectionCounter() {
    for (Reason reason : Reason.values()) {
      counts.put(reason, new LongAdder());
    }
  }

  /** Counts one rejection for {@code reason}. */
  public void increment(Reason reason) {
    counts.get(reason).increment();
  }

  /** The rejections counted for {@code reason} so far. */
  public long count(Reason reason) {
    return counts.get(reason).sum();
  }

  /** Every reason's code (e.g. {@code bad_framing}) with its count, in declaration order. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    counts.forEach((reason, count) -> out.put(reason.code(), count.sum()));
    return out;
  }
}
