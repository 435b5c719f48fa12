package dev.edge.pool;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * One app's workers and its request queue: hands out {@link Lease}s by the {@link LeastInflight}
 * rule, queues requests FIFO when every worker is full, sheds when the queue is full, and expires
 * requests that waited longer than the queue timeout.
 *
 * <p>Thread-safety: every decision (pick, enqueue, hand-over, timeout, cancel) happens under one
 * lock per app, so a slot can never be given to two requests and a request is answered exactly
 * once. Completing a request's sink happens outside the lock. The work under the lock is a scan of
 * the app's workers, nothing that blocks.
 */
public final class AppPool {

  private final String appId;
  private final int maxQueue;
  private final Duration queueTimeout;
  private final Scheduler timer;
  private final PoolListener listener;

  private final Object lock = new Object();
  private final List<WorkerSlot> workers = new ArrayList<>();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private long generation = 1;
  private boolean closed;
  private EdgeException closedBy = new EdgeException(Reason.SHUTTING_DOWN);
  private int abandoned;

  /**
   * Creates an empty pool.
   *
   * @param appId the app's id
   * @param maxQueue requests that may wait when every worker is full; beyond that, shed
   * @param queueTimeout how long a request may wait for a worker
   * @param timer runs queue timeouts
   * @param listener told (outside the lock) about unreachable workers and due recycles
   */
  public AppPool(
      String appId, int maxQueue, Duration queueTimeout, Scheduler timer, PoolListener listener) {
    this.appId = appId;
    this.maxQueue = maxQueue;
    this.queueTimeout = queueTimeout;
    this.timer = timer;
    this.listener = listener;
  }

  public String appId() {
    return appId;
  }

  /**
   * A lease on the best worker now, or when one frees up. Fails with {@link Reason#QUEUE_FULL} when
   * the queue is full and {@link Reason#QUEUE_TIMEOUT} when the wait exceeds the timeout. The
   * subscriber owns the lease once it has {@link Lease#claim() claimed} it; cancelling the
   * subscription before that leaves the queue and returns the lease, even one that was already on
   * its way.
   */
  public Mono<Lease> acquire() {
    return acquire(null);
  }

  /**
   * Like {@link #acquire()}, but prefers any other worker to {@code avoid} (one that just failed
   * this request); {@code avoid} is still used when it is the only worker with room.
   */
  public Mono<Lease> acquire(WorkerSlot avoid) {
    return acquire(avoid, queueTimeout);
  }

  /**
   * Like {@link #acquire(WorkerSlot)}, with a queue timeout of its own (a route's {@code
   * timeouts.queue}) instead of the pool's.
   */
  public Mono<Lease> acquire(WorkerSlot avoid, Duration timeout) {
    return Mono.defer(
        () -> {
          Waiter waiter = new Waiter(avoid, timeout);
          return Mono.<Lease>create(sink -> enqueue(waiter, sink)).doOnCancel(() -> cancel(waiter));
        });
  }

  /**
   * A lease on the best worker with room right now, without waiting, or null when there is none
   * (every worker is full, none is READY, or the pool is closed): the request path's fast lane,
   * with no subscription to set up. The caller owns the lease and must release it.
   */
  public Lease tryAcquire(WorkerSlot avoid) {
    WorkerSlot recycle;
    Lease lease;
    synchronized (lock) {
      WorkerSlot worker = closed ? null : LeastInflight.pick(workers, generation, avoid);
      if (worker == null) {
        return null;
      }
      recycle = worker.acquired() ? worker : null;
      lease = new Lease(this, worker, false);
    }
    if (recycle != null) {
      listener.recycleDue(recycle);
    }
    return lease;
  }

  /** The pool's own queue timeout. */
  public Duration queueTimeout() {
    return queueTimeout;
  }

  /**
   * Grants, queues or refuses one subscription's request.
   *
   * <p>Cancellation is seen by {@code doOnCancel}, not {@code sink.onCancel}: the sink stops
   * reporting a cancel once it has emitted, but a subscriber that cancels while the lease is on its
   * way drops it (Reactor's {@code onNextDropped}, not a discard). The operator sees every cancel,
   * so {@link #cancel} can take back a lease nobody claimed. A cancel can also come before this
   * runs (during {@code onSubscribe}); the waiter is then already DONE.
   */
  private void enqueue(Waiter waiter, MonoSink<Lease> sink) {
    Reason refusal = null;
    String refusalText = null;
    WorkerSlot recycle = null;
    synchronized (lock) {
      if (waiter.state == Waiter.DONE) {
        return;
      }
      waiter.sink = sink;
      if (closed) {
        refusal = closedBy.reason();
        refusalText = closedBy.getMessage();
        waiter.state = Waiter.DONE;
      } else {
        WorkerSlot worker = LeastInflight.pick(workers, generation, waiter.avoid);
        if (worker != null) {
          recycle = worker.acquired() ? worker : null;
          waiter.assign(new Lease(this, worker, false));
        } else if (queue.size() >= maxQueue) {
          refusal = Reason.QUEUE_FULL;
          waiter.state = Waiter.DONE;
        } else {
          queue.addLast(waiter);
          waiter.timer =
              timer.schedule(
                  () -> expire(waiter),
                  waiter.timeout.toMillis(),
                  java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
    }
    if (refusal != null) {
      sink.error(
          new EdgeException(refusal, refusalText != null ? refusalText : refusalDetail(refusal)));
    } else if (waiter.lease != null) {
      sink.success(waiter.lease);
    }
    if (recycle != null) {
      listener.recycleDue(recycle);
    }
  }

  private String refusalDetail(Reason reason) {
    return reason == Reason.QUEUE_FULL
        ? "app " + appId + ": every worker is busy and " + maxQueue + " requests are queued"
        : reason.title();
  }

  private void expire(Waiter waiter) {
    synchronized (lock) {
      if (waiter.state != Waiter.WAITING) {
        return;
      }
      queue.remove(waiter);
      waiter.state = Waiter.DONE;
    }
    waiter.sink.error(
        new EdgeException(
            Reason.QUEUE_TIMEOUT,
            "app " + appId + ": no worker freed up within " + waiter.timeout.toMillis() + " ms"));
  }

  /**
   * The subscriber went away: a waiting request leaves the queue; a lease handed to it that it has
   * not claimed (not yet delivered, or delivered and dropped) comes back to the pool.
   */
  private void cancel(Waiter waiter) {
    Lease unclaimed = null;
    synchronized (lock) {
      if (waiter.state == Waiter.WAITING) {
        queue.remove(waiter);
        waiter.state = Waiter.DONE;
      } else if (waiter.state == Waiter.ASSIGNED) {
        unclaimed = waiter.lease;
      }
    }
    if (waiter.timer != null) {
      waiter.timer.dispose();
    }
    if (unclaimed != null && unclaimed.claim()) {
      unclaimed.release();
    }
  }

  /** Called by {@link Lease}: frees the slot and hands it, or any other free slot, to the queue. */
  void release(WorkerSlot worker, boolean unreachable) {
    Handed handed;
    synchronized (lock) {
      worker.released();
      if (unreachable && worker.state() != WorkerState.STOPPED) {
        worker.state(WorkerState.STOPPED);
        workers.remove(worker);
      }
      handed = dispatchLocked();
    }
    deliver(handed);
    if (unreachable) {
      listener.unreachable(worker);
    }
  }

  /** Pairs queued requests with free slots, head first; returns who to notify (maybe null). */
  private Handed dispatchLocked() {
    Handed handed = null;
    while (!queue.isEmpty()) {
      WorkerSlot worker = LeastInflight.pick(workers, generation, queue.peekFirst().avoid);
      if (worker == null) {
        break;
      }
      Waiter head = queue.pollFirst();
      if (handed == null) {
        handed = new Handed();
      }
      if (worker.acquired()) {
        handed.recycles.add(worker);
      }
      head.assign(new Lease(this, worker, true));
      handed.waiters.add(head);
    }
    return handed;
  }

  private void deliver(Handed handed) {
    if (handed == null) {
      return;
    }
    for (Waiter waiter : handed.waiters) {
      if (waiter.timer != null) {
        waiter.timer.dispose();
      }
      waiter.sink.success(waiter.lease);
    }
    for (WorkerSlot worker : handed.recycles) {
      listener.recycleDue(worker);
    }
  }

  /** Adds a starting worker; it gets traffic once {@link #markReady} is called. */
  public void add(WorkerSlot worker) {
    synchronized (lock) {
      int at = 0;
      while (at < workers.size() && workers.get(at).id() < worker.id()) {
        at++;
      }
      workers.add(at, worker);
    }
  }

  /** Makes a worker eligible for traffic and hands it queued requests at once. */
  public void markReady(WorkerSlot worker) {
    Handed handed;
    synchronized (lock) {
      if (worker.state() != WorkerState.STARTING) {
        return;
      }
      worker.state(WorkerState.READY);
      handed = dispatchLocked();
    }
    deliver(handed);
  }

  /**
   * Routes the app to {@code next} in one step: from now on only its workers get requests (queued
   * ones included), and every older worker is DRAINING. Returns the workers that started draining.
   */
  public List<WorkerSlot> switchGeneration(long next) {
    List<WorkerSlot> draining = new ArrayList<>();
    Handed handed;
    synchronized (lock) {
      generation = next;
      for (WorkerSlot worker : workers) {
        if (worker.generation() < next && worker.state() != WorkerState.STOPPED) {
          worker.state(WorkerState.DRAINING);
          draining.add(worker);
        }
      }
      handed = dispatchLocked();
    }
    deliver(handed);
    return draining;
  }

  /** The generation that receives requests. */
  public long generation() {
    synchronized (lock) {
      return generation;
    }
  }

  /** Stops giving a worker new requests; those it has finish. */
  public void drain(WorkerSlot worker) {
    synchronized (lock) {
      if (worker.state() == WorkerState.READY || worker.state() == WorkerState.STARTING) {
        worker.state(WorkerState.DRAINING);
      }
    }
  }

  /** Sets how many worker slots were given up after too many failures (shown as degraded). */
  public void abandonedSlots(int count) {
    synchronized (lock) {
      abandoned = count;
    }
  }

  /** Takes a worker out of routing for good (it exited or is being replaced). */
  public void remove(WorkerSlot worker) {
    synchronized (lock) {
      worker.state(WorkerState.STOPPED);
      workers.remove(worker);
    }
  }

  /** Refuses new requests and answers every queued one with {@code reason}. */
  public void close(Reason reason) {
    close(reason, reason.title());
  }

  /**
   * Refuses new requests and answers every queued one with {@code reason} and {@code detail} (an
   * app stopped through the control API), until {@link #reopen()}.
   */
  public void close(Reason reason, String detail) {
    List<Waiter> refused;
    EdgeException refusal = new EdgeException(reason, detail);
    synchronized (lock) {
      closed = true;
      closedBy = refusal;
      refused = new ArrayList<>(queue);
      queue.clear();
      refused.forEach(waiter -> waiter.state = Waiter.DONE);
    }
    for (Waiter waiter : refused) {
      if (waiter.timer != null) {
        waiter.timer.dispose();
      }
      waiter.sink.error(new EdgeException(reason, detail));
    }
  }

  /** Takes requests again after {@link #close(Reason, String)} (the app was started again). */
  public void reopen() {
    synchronized (lock) {
      closed = false;
    }
  }

  /** The workers in the pool now (for metrics scrapes; copies under the lock). */
  public List<WorkerSlot> workers() {
    synchronized (lock) {
      return List.copyOf(workers);
    }
  }

  /** A consistent view for status pages. */
  public PoolSnapshot snapshot() {
    synchronized (lock) {
      int ready = 0;
      int inflight = 0;
      for (WorkerSlot worker : workers) {
        if (worker.state() == WorkerState.READY && worker.generation() == generation) {
          ready++;
        }
        inflight += worker.inflight();
      }
      return new PoolSnapshot(
          appId, workers.size(), ready, inflight, queue.size(), abandoned, generation);
    }
  }

  /** What a dispatch handed out, to complete outside the lock. */
  private static final class Handed {
    final List<Waiter> waiters = new ArrayList<>(2);
    final List<WorkerSlot> recycles = new ArrayList<>(0);
  }

  /** A request waiting for, or holding, a lease. Fields are guarded by the pool lock. */
  private static final class Waiter {
    static final int WAITING = 0;
    static final int ASSIGNED = 1;
    static final int DONE = 2;

    final WorkerSlot avoid;
    final Duration timeout;
    MonoSink<Lease> sink;
    int state = WAITING;
    Lease lease;
    Disposable timer;

    Waiter(WorkerSlot avoid, Duration timeout) {
      this.avoid = avoid;
      this.timeout = timeout;
    }

    void assign(Lease granted) {
      lease = granted;
      state = ASSIGNED;
    }
  }
}
