package dev.edge.pool;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to send one request to one worker: while a lease is held, it counts against the
 * worker's in-flight limit.
 *
 * <p>Ownership is decided once, by {@link #claim()}: the request path claims a lease it received; a
 * cancelled waiter claims a lease it never delivered so it can hand it back. Whoever claims it
 * releases it, exactly once.
 */
public final class Lease {

  private final AppPool pool;
  private final WorkerSlot worker;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  private final boolean waited;

  Lease(AppPool pool, WorkerSlot worker, boolean waited) {
    this.pool = pool;
    this.worker = worker;
    this.waited = waited;
  }

  /** Whether the request waited in the queue for this lease (all workers were full). */
  public boolean waited() {
    return waited;
  }

  /** The worker this lease is for. */
  public WorkerSlot worker() {
    return worker;
  }

  /** Takes ownership; true for exactly one caller. */
  public boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  /** Gives the slot back; the next queued request may take it at once. Idempotent. */
  public void release() {
    if (released.compareAndSet(false, true)) {
      pool.release(worker, false);
    }
  }

  /**
   * Gives the slot back and takes the worker out of routing because it could not be reached.
   * Idempotent.
   */
  public void releaseUnreachable() {
    if (released.compareAndSet(false, true)) {
      pool.release(worker, true);
    }
  }
}
