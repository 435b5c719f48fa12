package dev.edge.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A bounded ring of values numbered 1, 2, 3, ... in the order they were appended, with no gaps:
 * readers ask for everything after a number ({@link #after}), followers are streamed what comes
 * ({@link #follow}). Once full, each append pushes out the oldest value; a reader or follower that
 * asks for a number no longer held first gets one {@link Gap} naming the first number still held.
 *
 * <p>Followers keep no buffer of their own: each holds the number it has delivered up to and reads
 * the ring as its subscriber asks for more (Reactor Netty asks while the connection is writable). A
 * follower that does not keep up falls behind the ring instead of holding memory, and gets a gap
 * when it reads again. Appending never blocks and never waits for a follower: it only wakes them,
 * and they read on one shared thread ({@code edge-followers}).
 *
 * <p>Thread-safety: every method may be called from any thread.
 *
 * @param <T> the values
 */
public final class SequencedRing<T> {

  /** The most a follower reads from the ring in one go. */
  static final int BATCH = 256;

  private static final Executor FOLLOWERS =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "edge-followers");
            thread.setDaemon(true);
            return thread;
          });

  /** What a reader gets: an {@link Entry}, or a {@link Gap} before entries it missed. */
  public sealed interface Delivery<T> permits Entry, Gap {}

  /**
   * One value and its number.
   *
   * @param seq its number, from 1
   * @param value the value
   */
  public record Entry<T>(long seq, T value) implements Delivery<T> {}

  /**
   * Values the reader asked for were pushed out; the next entry it gets is {@code first}.
   *
   * @param first the first number still held
   */
  public record Gap<T>(long first) implements Delivery<T> {}

  private final Object[] values;
  private final List<Follower> followers = new CopyOnWriteArrayList<>();
  private long next = 1;
  private boolean closed;

  /** A ring that holds the last {@code capacity} values. */
  public SequencedRing(int capacity) {
    this.values = new Object[capacity];
  }

  /** Appends {@code value}; returns its number. */
  public long append(T value) {
    long seq;
    synchronized (this) {
      seq = next++;
      values[(int) ((seq - 1) % values.length)] = value;
    }
    wakeFollowers();
    return seq;
  }

  /**
   * Appends the value {@code make} builds from the number it gets, under the ring's lock, so
   * numbers and whatever {@code make} records with them (a timestamp) rise together.
   */
  public <V extends T> V append(LongFunction<V> make) {
    V value;
    synchronized (this) {
      long seq = next++;
      value = make.apply(seq);
      values[(int) ((seq - 1) % values.length)] = value;
    }
    wakeFollowers();
    return value;
  }

  /** The highest number handed out so far, 0 before the first append. */
  public synchronized long last() {
    return next - 1;
  }

  /** The lowest number still held (the next one to be handed out while the ring is empty). */
  public synchronized long first() {
    return Math.max(1, next - values.length);
  }

  /**
   * Up to {@code max} deliveries after number {@code since}, oldest first: the entries numbered
   * {@code since + 1} onwards, preceded by a {@link Gap} when {@code since + 1} was pushed out.
   */
  @SuppressWarnings("unchecked")
  public synchronized List<Delivery<T>> after(long since, int max) {
    List<Delivery<T>> out = new ArrayList<>();
    long from = Math.max(since + 1, 1);
    long first = Math.max(1, next - values.length);
    if (from < first) {
      out.add(new Gap<>(first));
      from = first;
    }
    for (long seq = from; seq < next && out.size() < max; seq++) {
      out.add(new Entry<>(seq, (T) values[(int) ((seq - 1) % values.length)]));
    }
    return out;
  }

  /**
   * Every delivery after number {@code since}, then each new one as it is appended, until the
   * subscriber cancels or the ring is {@link #close() closed} (then it completes once it has been
   * given what its demand allows).
   */
  public Flux<Delivery<T>> follow(long since) {
    return Flux.create(
        sink -> {
          Follower follower = new Follower(sink, since);
          followers.add(follower);
          sink.onRequest(n -> follower.wake());
          sink.onDispose(() -> followers.remove(follower));
          follower.wake();
        });
  }

  /** Completes every follower (the edge is stopping, the app is gone); appends still work. */
  public void close() {
    synchronized (this) {
      closed = true;
    }
    wakeFollowers();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void wakeFollowers() {
    for (Follower follower : followers) {
      follower.wake();
    }
  }

  /** One subscriber's place in the ring; it reads on the shared follower thread. */
  private final class Follower implements Runnable {
    private final FluxSink<Delivery<T>> sink;
    private final AtomicInteger wip = new AtomicInteger();
    private long cursor;

    Follower(FluxSink<Delivery<T>> sink, long since) {
      this.sink = sink;
      this.cursor = since;
    }

    void wake() {
      if (wip.getAndIncrement() == 0) {
        FOLLOWERS.execute(this);
      }
    }

    @Override
    public void run() {
      int missed = 1;
      do {
        if (drain()) {
          return;
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    /** Delivers what demand allows; returns true once the follower is finished. */
    private boolean drain() {
      if (sink.isCancelled()) {
        return true;
      }
      boolean closing = isClosed();
      long wanted;
      while ((wanted = sink.requestedFromDownstream()) > 0) {
        List<Delivery<T>> batch = after(cursor, (int) Math.min(wanted, BATCH));
        if (batch.isEmpty()) {
          break;
        }
        for (Delivery<T> delivery : batch) {
          cursor =
              delivery instanceof Entry<T> entry ? entry.seq() : ((Gap<T>) delivery).first() - 1;
          sink.next(delivery);
        }
      }
      if (closing) {
        sink.complete();
        return true;
      }
      return false;
    }
  }
}
