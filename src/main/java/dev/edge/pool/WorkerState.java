package dev.edge.pool;

/** A worker's place in its lifecycle; only {@link #READY} workers receive new requests. */
public enum WorkerState {
  /** Spawned, not yet answering its readiness path. */
  STARTING,
  /** Answering readiness; eligible for new requests while it has free in-flight slots. */
  READY,
  /** Finishing the requests it has; gets no new ones. */
  DRAINING,
  /** Exited, failed, or removed from routing; never comes back (a replacement gets a new id). */
  STOPPED
}
