package dev.edge.worker;

import dev.edge.observe.EdgeEvents.Event;
import dev.edge.pool.WorkerSlot;
import dev.edge.worker.WorkerProcess.StopCause;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Rolling restart of one app, the way a deploy should go:
 *
 * <ol>
 *   <li>start the next generation, as many workers as the app has, at most {@code roll-parallelism}
 *       starting at once;
 *   <li>wait until every one of them is READY (they get no requests yet);
 *   <li>switch routing to the new generation in one step ({@link
 *       dev.edge.pool.AppPool#switchGeneration}); queued requests go to the new workers;
 *   <li>drain the old workers (they finish their in-flight requests, up to the drain timeout) and
 *       stop them.
 * </ol>
 *
 * <p>If any new worker exits or misses its start timeout before the switch, the roll is aborted:
 * the new workers are stopped, the old generation keeps serving, and {@code roll_abort} says why
 * with the worker's last output. Routing is never split between generations. A roll requested while
 * one runs starts when it ends (requests in between coalesce into that one).
 *
 * <p>Confined to the supervisor's thread.
 */
public final class RollingRestart {

  /**
   * How a roll ended.
   *
   * @param completed true if routing switched to the new generation
   * @param generation the generation serving after the roll
   * @param durationMs from roll start to switch (or abort)
   * @param reason why it was aborted; empty when completed
   */
  public record Outcome(boolean completed, long generation, long durationMs, String reason) {}

  private final WorkerSupervisor supervisor;
  private Roll current;
  private String pendingTrigger;
  private final List<CompletableFuture<Outcome>> pendingWaiters = new ArrayList<>();

  RollingRestart(WorkerSupervisor supervisor) {
    this.supervisor = supervisor;
  }

  void request(String trigger, CompletableFuture<Outcome> done) {
    if (supervisor.stopping || supervisor.held) {
      String why =
          supervisor.stopping
              ? "the edge is stopping"
              : "app " + supervisor.appId + " is stopped (start it with `edge app-start`)";
      done.complete(new Outcome(false, supervisor.slots.generation(), 0, why));
      return;
    }
    if (current != null) {
      pendingTrigger = trigger;
      pendingWaiters.add(done);
      return;
    }
    begin(trigger, List.of(done));
  }

  private void begin(String trigger, List<CompletableFuture<Outcome>> waiters) {
    long next = supervisor.slots.nextGeneration();
    current = new Roll(next, supervisor.slots.size(), waiters);
    supervisor.events.emit(
        Event.ROLL_START,
        "app",
        supervisor.appId,
        "generation",
        next,
        "trigger",
        trigger,
        "workers",
        current.size);
    startMore(current);
  }

  private void startMore(Roll roll) {
    int parallel = supervisor.policy.rollParallelism();
    while (current == roll && roll.started < roll.size && roll.started - roll.ready < parallel) {
      int slot = roll.started++;
      WorkerProcess worker = supervisor.spawn(slot, roll.generation, this::ready);
      if (worker == null) {
        abort(roll, "worker for slot " + slot + " could not be spawned", List.of());
        return;
      }
      roll.workers.add(worker);
    }
  }

  private void ready(WorkerProcess worker) {
    Roll roll = current;
    if (roll == null || worker.generation() != roll.generation) {
      return;
    }
    supervisor.pool.markReady(worker.slot);
    roll.ready++;
    if (roll.ready == roll.size) {
      complete(roll);
    } else {
      startMore(roll);
    }
  }

  /** Called by the supervisor for every worker exit. */
  void exited(WorkerProcess worker) {
    Roll roll = current;
    if (roll == null
        || worker.generation() != roll.generation
        || worker.stopCause() == StopCause.ROLL_ABORTED) {
      return;
    }
    String why =
        worker.stopCause() == StopCause.START_TIMEOUT
            ? "not READY within " + supervisor.app.startTimeout().toMillis() + " ms"
            : "exited with code " + worker.process.exitValue();
    abort(roll, "worker w" + worker.id() + " " + why, worker.output.tail(20));
  }

  private void abort(Roll roll, String reason, List<String> lastOutput) {
    current = null;
    for (WorkerProcess worker : roll.workers) {
      if (worker.process.isAlive()) {
        supervisor.pool.drain(worker.slot);
        supervisor.terminate(worker, StopCause.ROLL_ABORTED);
      }
    }
    long durationMs = roll.elapsedMs();
    supervisor.events.emit(
        Event.ROLL_ABORT,
        "app",
        supervisor.appId,
        "generation",
        roll.generation,
        "reason",
        reason,
        "durationMs",
        durationMs,
        "lastOutput",
        lastOutput);
    Outcome outcome = new Outcome(false, supervisor.slots.generation(), durationMs, reason);
    roll.waiters.forEach(waiter -> waiter.complete(outcome));
    runPending();
  }

  private void complete(Roll roll) {
    current = null;
    List<WorkerSlot> draining = supervisor.pool.switchGeneration(roll.generation);
    supervisor.slots.switchTo(roll.generation, roll.workers);
    supervisor.pool.abandonedSlots(0);
    for (WorkerSlot old : draining) {
      WorkerProcess worker = supervisor.running(old.id());
      if (worker != null) {
        supervisor.stopWhenIdle(worker, StopCause.ROLLED);
      }
    }
    long durationMs = roll.elapsedMs();
    supervisor.events.emit(
        Event.ROLL_COMPLETE,
        "app",
        supervisor.appId,
        "generation",
        roll.generation,
        "durationMs",
        durationMs,
        "drained",
        draining.size());
    Outcome outcome = new Outcome(true, roll.generation, durationMs, "");
    roll.waiters.forEach(waiter -> waiter.complete(outcome));
    runPending();
  }

  private void runPending() {
    if (pendingTrigger == null) {
      return;
    }
    String trigger = pendingTrigger;
    List<CompletableFuture<Outcome>> waiters = List.copyOf(pendingWaiters);
    pendingTrigger = null;
    pendingWaiters.clear();
    if (supervisor.stopping || supervisor.held) {
      waiters.forEach(waiter -> request(trigger, waiter)); // each answered: stopping or stopped
      return;
    }
    begin(trigger, waiters);
  }

  /** One roll in progress. */
  private static final class Roll {
    final long generation;
    final int size;
    final List<CompletableFuture<Outcome>> waiters;
    final List<WorkerProcess> workers = new ArrayList<>();
    final long startedAt = System.nanoTime();
    int started;
    int ready;

    Roll(long generation, int size, List<CompletableFuture<Outcome>> waiters) {
      this.generation = generation;
      this.size = size;
      this.waiters = waiters;
    }

    long elapsedMs() {
      return (System.nanoTime() - startedAt) / 1_000_000;
    }
  }
}
