package dev.edge.worker;

import dev.edge.observe.EdgeEvents.Event;
import dev.edge.worker.WorkerProcess.StopCause;
import java.util.List;

/**
 * Active health checks and recycling for one app's workers. Every {@code health-interval-ms} each
 * READY worker's health path is probed (timeout {@code health-timeout-ms}); after {@code
 * health-failures} failed checks in a row the worker is drained and stopped, and replaced like a
 * failed worker. A worker past {@code max-age-ms}, or one that reached {@code max-requests}, is
 * recycled: drained and replaced at once, without back-off and without counting as a failure.
 *
 * <p>Confined to the supervisor's thread.
 */
final class HealthChecks {

  private final WorkerSupervisor s;

  HealthChecks(WorkerSupervisor supervisor) {
    this.s = supervisor;
  }

  /** Probes every READY worker once and recycles those past their maximum age. */
  void checkAll() {
    if (s.stopping) {
      return;
    }
    for (WorkerProcess worker : List.copyOf(s.running.values())) {
      if (!worker.ready() || worker.stopCause() != null) {
        continue;
      }
      if (!s.policy.maxAge().isZero() && worker.ranMillis() >= s.policy.maxAge().toMillis()) {
        recycle(worker.id(), "age");
        continue;
      }
      worker
          .probeOnce(s.app.healthCheck().path(), s.policy.healthTimeout())
          .subscribe(code -> s.spawner.execute(() -> healthResult(worker, code)));
    }
  }

  private void healthResult(WorkerProcess worker, int code) {
    if (worker.stopCause() != null || !worker.process.isAlive()) {
      return;
    }
    if (code >= 200 && code < 300) {
      worker.healthCheckPassed();
      return;
    }
    int failures = worker.healthCheckFailed();
    if (failures >= s.policy.healthFailures()) {
      s.events.emit(
          Event.WORKER_UNHEALTHY, "app", s.appId, "worker", worker.id(), "failedChecks", failures);
      s.pool.drain(worker.slot);
      s.stopWhenIdle(worker, StopCause.UNHEALTHY);
    }
  }

  /**
   * Drains a worker and starts its replacement at once, without back-off or a failure on the slot's
   * budget.
   */
  void recycle(long workerId, String reason) {
    WorkerProcess worker = s.running.get(workerId);
    if (s.stopping || worker == null || worker.stopCause() != null || !s.slots.holds(worker)) {
      return;
    }
    s.events.emit(
        Event.WORKER_RECYCLE,
        "app",
        s.appId,
        "worker",
        workerId,
        "reason",
        reason,
        "requests",
        worker.slot.forwarded(),
        "ageMs",
        worker.ranMillis());
    s.pool.drain(worker.slot);
    s.stopWhenIdle(worker, StopCause.RECYCLED);
    s.fillSlot(worker.slotIndex);
  }
}
