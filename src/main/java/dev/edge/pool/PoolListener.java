package dev.edge.pool;

/**
 * What an {@link AppPool} tells its supervisor. Called outside the pool's lock, on whatever thread
 * released the lease (often an event loop): implementations must not block.
 */
public interface PoolListener {

  /** The worker could not be reached and has left routing; stop and replace it. */
  void unreachable(WorkerSlot worker);

  /** The worker reached its request limit and is draining; replace it. */
  void recycleDue(WorkerSlot worker);
}
