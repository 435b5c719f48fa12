package dev.edge.pool;

/**
 * One worker as the scheduler sees it: identity, routing state and in-flight count.
 *
 * <p>Thread-safety: {@code state} and {@code inflight} are written only by the owning {@link
 * AppPool} under its lock; they are volatile so status readers see recent values without locking.
 */
public final class WorkerSlot {

  private final long id;
  private final long generation;
  private final int maxInflight;
  private final WorkerConnections connections;
  private final String address;
  private final long maxRequests;
  private volatile WorkerState state = WorkerState.STARTING;
  private volatile int inflight;
  private volatile long forwarded;
  private volatile long lastUsedMillis;

  /**
   * Creates a slot for a worker that is starting.
   *
   * @param id worker id, unique for the edge's lifetime
   * @param generation the app generation the worker belongs to
   * @param maxInflight concurrent requests the worker may have
   * @param connections the keep-alive connections to the worker's socket
   * @param address the worker's socket path or loopback address, for logs
   * @param maxRequests requests after which the worker drains for recycling; 0 = never
   */
  public WorkerSlot(
      long id,
      long generation,
      int maxInflight,
      WorkerConnections connections,
      String address,
      long maxRequests) {
    if (maxInflight < 1) {
      throw new IllegalArgumentException("maxInflight: " + maxInflight + " (expected: >= 1)");
    }
    this.id = id;
    this.generation = generation;
    this.maxInflight = maxInflight;
    this.connections = connections;
    this.address = address;
    this.maxRequests = maxRequests;
  }

  public long id() {
    return id;
  }

  public long generation() {
    return generation;
  }

  public int maxInflight() {
    return maxInflight;
  }

  /** The keep-alive connections to this worker. */
  public WorkerConnections connections() {
    return connections;
  }

  public String address() {
    return address;
  }

  public WorkerState state() {
    return state;
  }

  public int inflight() {
    return inflight;
  }

  /** Requests this edge has assigned to the worker so far. */
  public long forwarded() {
    return forwarded;
  }

  void state(WorkerState next) {
    this.state = next;
  }

  boolean hasRoom() {
    return state == WorkerState.READY && inflight < maxInflight;
  }

  /** Counts a new request; true when it was the last before recycling (the slot now drains). */
  boolean acquired() {
    inflight++;
    forwarded++;
    if (maxRequests > 0 && forwarded >= maxRequests && state == WorkerState.READY) {
      state = WorkerState.DRAINING;
      return true;
    }
    return false;
  }

  void released() {
    inflight--;
    lastUsedMillis = System.currentTimeMillis();
  }

  /** When the worker last finished a request (epoch millis), or 0 if it never did. */
  public long lastUsedMillis() {
    return lastUsedMillis;
  }

  @Override
  public String toString() {
    return "w"
        + id
        + "(gen "
        + generation
        + ", "
        + state
        + ", "
        + inflight
        + "/"
        + maxInflight
        + ")";
  }
}
