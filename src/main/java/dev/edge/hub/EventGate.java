package dev.edge.hub;

import java.util.ArrayDeque;

/**
 * How many of the hub's events one app has in its pool (running or queued) at once: at most half of
 * what the app holds ({@code (workers x maxInflight + maxQueue) / 2}, at least 1). The rest wait
 * here, in order. Events still go through the pool and queue like any request; the gate only keeps
 * them from filling the queue, so a mass disconnect (thousands of {@code close} events at once)
 * never sheds an event, and never sheds the app's HTTP requests either. The backlog needs no bound
 * of its own: a client has at most one event outstanding (the rest queue on the client, bounded by
 * {@code --realtime-event-queue}), so it holds at most one event per connected or just-gone client.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
final class EventGate {

  /** Sends started on this thread while another one is running, run after it. */
  private static final ThreadLocal<ArrayDeque<Runnable>> NESTED = new ThreadLocal<>();

  private final int limit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int outstanding;

  /**
   * @param limit the most events in the pool at once
   */
  EventGate(int limit) {
    this.limit = Math.max(1, limit);
  }

  /** The most events this gate lets into the pool at once for an app of this size. */
  static int limitFor(int workers, int maxInflight, int maxQueue) {
    return Math.max(1, (workers * maxInflight + maxQueue) / 2);
  }

  /** The most events in the pool at once. */
  int limit() {
    return limit;
  }

  /** Runs {@code send} now when the app has room for one more event, or later, in order. */
  void submit(Runnable send) {
    synchronized (this) {
      if (outstanding >= limit) {
        waiting.add(send);
        return;
      }
      outstanding++;
    }
    run(send);
  }

  /** One event this gate let in has finished: lets the next waiting one in. */
  void done() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        outstanding--;
        return;
      }
    }
    run(next);
  }

  /**
   * Runs {@code send}; an event that finishes at once (the app is gone, the queue is full) lets the
   * next one in from inside it, so nested sends run after the current one instead of deeper on the
   * stack: a backlog of thousands cannot overflow it.
   */
  private static void run(Runnable send) {
    ArrayDeque<Runnable> later = NESTED.get();
    if (later != null) {
      later.add(send);
      return;
    }
    later = new ArrayDeque<>();
    NESTED.set(later);
    try {
      for (Runnable next = send; next != null; next = later.poll()) {
        next.run();
      }
    } finally {
      NESTED.remove();
    }
  }

  /** Events waiting for room now. */
  synchronized int waiting() {
    return waiting.size();
  }
}
