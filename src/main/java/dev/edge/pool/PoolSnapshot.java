package dev.edge.pool;

/**
 * One app's pool at one instant.
 *
 * @param appId the app
 * @param workers workers known to the pool (starting, ready or draining)
 * @param ready workers that take new requests
 * @param inflight requests being served by the app's workers
 * @param queueDepth requests waiting for a worker
 * @param abandoned worker slots given up after too many failures
 * @param generation the generation that receives requests
 */
public record PoolSnapshot(
    String appId,
    int workers,
    int ready,
    int inflight,
    int queueDepth,
    int abandoned,
    long generation) {

  /** Whether the app is degraded: no READY worker, or a worker slot given up. */
  public boolean degraded() {
    return ready == 0 || abandoned > 0;
  }
}
