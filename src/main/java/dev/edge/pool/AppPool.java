package dev.edge.pool;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
  private final Consumer<WorkerSlot> onUnreachable;

  private final Object lock = new Object();
  private final List<WorkerSlot> workers = new ArrayList<>();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private long generation = 1;
  private boolean closed;

  /**
   * Creates an empty pool.
   *
   * @param appId the app's id
   * @param maxQueue requests that may wait when every worker is full; beyond that, shed
   * @param queueTimeout how long a request may wait for a worker
   * @param timer runs queue timeouts
   * @param onUnreachable told (outside the lock) when a worker could not be reached
   */
  public AppPool(
      String appId,
      int maxQueue,
      Duration queueTimeout,
      Scheduler timer,
      Consumer<WorkerSlot> onUnreachable) {
    this.appId = appId;
    this.maxQueue = maxQueue;
    this.queueTimeout = queueTimeout;
    this.timer = timer;
    this.onUnreachable = onUnreachable;
  }

  public String appId() {
    return appId;
  }

  /**
   * A lease on the best worker now, or when one frees up. Fails with {@link Reason#QUEUE_FULL} when
   * the queue is full and {@link Reason#QUEUE_TIMEOUT} when the wait exceeds the timeout.
   * Cancelling the subscription leaves the queue and returns any lease already handed over.
   */
  public Mono<Lease> acquire() {
    return Mono.create(this::enqueue);
  }

  private void enqueue(MonoSink<Lease> sink) {
    Waiter waiter = new Waiter(sink);
    sink.onCancel(() -> cancel(waiter));
    Reason refusal = null;
    synchronized (lock) {
      if (closed) {
        refusal = Reason.SHUTTING_DOWN;
      } else {
        WorkerSlot worker = LeastInflight.pick(workers, generation);
        if (worker != null) {
          worker.acquired();
          waiter.assign(new Lease(this, worker));
        } else if (queue.size() >= maxQueue) {
          refusal = Reason.QUEUE_FULL;
        } else {
          queue.addLast(waiter);
          waiter.timeout =
              timer.schedule(
                  () -> expire(waiter),
                  queueTimeout.toMillis(),
                  java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
    }
    if (refusal != null) {
      sink.error(new EdgeException(refusal, refusalDetail(refusal)));
    } else if (waiter.lease != null) {
      sink.success(waiter.lease);
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
            "app " + appId + ": no worker freed up within " + queueTimeout.toMillis() + " ms"));
  }

  private void cancel(Waiter waiter) {
    Lease undelivered = null;
    synchronized (lock) {
      if (waiter.state == Waiter.WAITING) {
        queue.remove(waiter);
        waiter.state = Waiter.DONE;
      } else if (waiter.state == Waiter.ASSIGNED) {
        undelivered = waiter.lease;
      }
    }
    if (waiter.timeout != null) {
      waiter.timeout.dispose();
    }
    if (undelivered != null && undelivered.claim()) {
      undelivered.release();
    }
  }

  /** Called by {@link Lease}: frees the slot and hands it, or any other free slot, to the queue. */
  void release(WorkerSlot worker, boolean unreachable) {
    List<Waiter> handed;
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
      onUnreachable.accept(worker);
    }
  }

  /** Pairs queued requests with free slots, head first; returns who to notify (maybe null). */
  private List<Waiter> dispatchLocked() {
    List<Waiter> handed = null;
    while (!queue.isEmpty()) {
      WorkerSlot worker = LeastInflight.pick(workers, generation);
      if (worker == null) {
        break;
      }
      Waiter head = queue.pollFirst();
      worker.acquired();
      head.assign(new Lease(this, worker));
      if (handed == null) {
        handed = new ArrayList<>(2);
      }
      handed.add(head);
    }
    return handed;
  }

  private static void deliver(List<Waiter> handed) {
    if (handed == null) {
      return;
    }
    for (Waiter waiter : handed) {
      if (waiter.timeout != null) {
        waiter.timeout.dispose();
      }
      waiter.sink.success(waiter.lease);
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
    List<Waiter> handed;
    synchronized (lock) {
      if (worker.state() != WorkerState.STARTING) {
        return;
      }
      worker.state(WorkerState.READY);
      handed = dispatchLocked();
    }
    deliver(handed);
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
    List<Waiter> refused;
    synchronized (lock) {
      closed = true;
      refused = new ArrayList<>(queue);
      queue.clear();
      refused.forEach(waiter -> waiter.state = Waiter.DONE);
    }
    for (Waiter waiter : refused) {
      if (waiter.timeout != null) {
        waiter.timeout.dispose();
      }
      waiter.sink.error(new EdgeException(reason));
    }
  }

  /** A consistent view for status pages. */
  public PoolSnapshot snapshot() {
    synchronized (lock) {
      int ready = 0;
      int inflight = 0;
      for (WorkerSlot worker : workers) {
        if (worker.state() == WorkerState.READY) {
          ready++;
        }
        inflight += worker.inflight();
      }
      return new PoolSnapshot(
          appId, workers.size(), ready, inflight, queue.size(), List.copyOf(workers));
    }
  }

  /** A request waiting for, or holding, a lease. Fields are guarded by the pool lock. */
  private static final class Waiter {
    static final int WAITING = 0;
    static final int ASSIGNED = 1;
    static final int DONE = 2;

    final MonoSink<Lease> sink;
    int state = WAITING;
    Lease lease;
    Disposable timeout;

    Waiter(MonoSink<Lease> sink) {
      this.sink = sink;
    }

    void assign(Lease granted) {
      lease = granted;
      state = ASSIGNED;
    }
  }
}
