package dev.edge.worker;

import dev.edge.pool.WorkerConnections;
import dev.edge.pool.WorkerSlot;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * One live worker process and what the supervisor keeps about it. Mutable fields are confined to
 * the supervisor's thread except {@code probe}/{@code health}, which are only disposed.
 */
final class WorkerProcess {

  /** Why the supervisor stopped a worker; {@code null} in {@link #stopCause} means it crashed. */
  enum StopCause {
    /** Recycled after its request limit or age; replaced without counting as a failure. */
    RECYCLED(false),
    /** An older generation after a rolling restart switched routing away from it. */
    ROLLED(false),
    /** A next-generation worker of a roll that was aborted. */
    ROLL_ABORTED(false),
    /** The edge is stopping. */
    SHUTDOWN(false),
    /** Failed its health checks; counts as a failure. */
    UNHEALTHY(true),
    /** Never became READY; counts as a failure. */
    START_TIMEOUT(true),
    /** Refused connections; counts as a failure. */
    UNREACHABLE(true);

    private final boolean failure;

    StopCause(boolean failure) {
      this.failure = failure;
    }

    boolean failure() {
      return failure;
    }
  }

  final int slotIndex;
  final WorkerSlot slot;
  final Process process;
  final WorkerConnections connections;
  final LogRing output;
  final Path socket;
  final long startedAt;
  private final HttpClient probes;
  volatile Disposable probe;
  volatile Disposable health;
  StopCause stopCause;
  int healthFailures;
  boolean ready;

  WorkerProcess(
      int slotIndex,
      WorkerSlot slot,
      Process process,
      WorkerConnections connections,
      LogRing output,
      Path socket,
      long startedAt,
      HttpClient probes) {
    this.slotIndex = slotIndex;
    this.slot = slot;
    this.process = process;
    this.connections = connections;
    this.output = output;
    this.socket = socket;
    this.startedAt = startedAt;
    this.probes = probes;
  }

  long id() {
    return slot.id();
  }

  long generation() {
    return slot.generation();
  }

  long ranMillis() {
    return (System.nanoTime() - startedAt) / 1_000_000;
  }

  /**
   * One GET of the health path over a fresh connection to the worker: its status, or 0 on any
   * failure. Probes never use the pooled request connections, so a probe that times out cannot
   * leave a half-answered connection behind for a client request.
   */
  Mono<Integer> probeOnce(String healthPath, Duration timeout) {
    return Mono.defer(() -> probes.get().uri(healthPath).response())
        .map(response -> response.status().code())
        .timeout(timeout)
        .onErrorReturn(0);
  }

  /** Stops probing and releases the worker's connection pool. */
  void release() {
    Disposable p = probe;
    if (p != null) {
      p.dispose();
    }
    Disposable h = health;
    if (h != null) {
      h.dispose();
    }
    connections.close();
  }
}
