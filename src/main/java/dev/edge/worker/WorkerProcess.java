package dev.edge.worker;

import dev.edge.pool.WorkerConnections;
import dev.edge.pool.WorkerSlot;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * One live worker process and what the supervisor keeps about it. Its mutable state changes only
 * through its own methods, on the supervisor's thread, except {@code probe}/{@code health}, which
 * are only disposed from elsewhere.
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
    /** The app was stopped through the control API; not replaced until it is started again. */
    STOPPED(false),
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
  private volatile Disposable probe;
  private volatile Disposable health;
  private StopCause stopCause;
  private int healthFailures;
  private boolean ready;

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

  /** Why the supervisor stopped it, or null while it has not (an exit then is a crash). */
  StopCause stopCause() {
    return stopCause;
  }

  /** The supervisor is stopping it, for {@code cause}. */
  void stopping(StopCause cause) {
    this.stopCause = cause;
  }

  /** Whether it answered its readiness path. */
  boolean ready() {
    return ready;
  }

  /** It answered its readiness path. */
  void markReady() {
    this.ready = true;
  }

  /** Its readiness probe, disposed when it is {@link #release()}d. */
  void probing(Disposable probe) {
    this.probe = probe;
  }

  /** A health check passed: the count of failed checks in a row starts over. */
  void healthCheckPassed() {
    healthFailures = 0;
  }

  /** A health check failed; returns how many failed in a row. */
  int healthCheckFailed() {
    return ++healthFailures;
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
