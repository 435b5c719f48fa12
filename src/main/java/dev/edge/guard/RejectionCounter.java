package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How many requests the guard rejected, per {@link Reason}; safe to update from every event loop at
 * once. Metrics exporters read {@link #snapshot()}.
 */
public final class RejectionCounter {

  private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);
  private final Consumer<Reason> listener;

  /** Creates a counter with every reason at 0. */
  public RejectionCounter() {
    this(reason -> {});
  }

  /** Creates a counter that also tells {@code listener} (the metrics) about each rejection. */
  public RejectionCounter(Consumer<Reason> listener) {
    this.listener = listener;
    for (Reason reason : Reason.values()) {
      counts.put(reason, new LongAdder());
    }
  }

  /** Counts one rejection for {@code reason}. */
  public void increment(Reason reason) {
    counts.get(reason).increment();
    listener.accept(reason);
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
