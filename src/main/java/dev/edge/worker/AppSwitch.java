package dev.edge.worker;

import dev.edge.EdgeException.Reason;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.worker.WorkerProcess.StopCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops and starts one app through the control API, keeping it in the config. Stop: the app's pool
 * refuses requests ({@code 503 worker_unavailable}, queued ones included), every worker drains (up
 * to the drain timeout) and stops, and nothing replaces them; {@code app_stopped} once the last one
 * exited. Start: the pool takes requests again and a new generation starts as a rolling restart
 * would (READY before it gets requests, every slot's budget fresh); {@code app_started} once it
 * serves. A start whose workers never get READY leaves the app stopped.
 *
 * <p>Confined to the supervisor's thread, except {@link #stopForGood}.
 */
final class AppSwitch {

  private final WorkerSupervisor s;
  private final List<CompletableFuture<Integer>> stopping = new ArrayList<>();
  private int stoppedWorkers;
  private long stopStarted;

  AppSwitch(WorkerSupervisor supervisor) {
    this.s = supervisor;
  }

  /** Stops the app; {@code done} gets the number of workers stopped once none is left. */
  void stop(CompletableFuture<Integer> done) {
    if (s.held) {
      stopping.add(done);
      finishStopIfIdle();
      return;
    }
    s.held = true;
    s.pool.close(
        Reason.WORKER_UNAVAILABLE,
        "app " + s.appId + " is stopped (`edge app-start " + s.appId + "` starts it)");
    List<WorkerProcess> workers = List.copyOf(s.running.values());
    stoppedWorkers = workers.size();
    stopStarted = System.nanoTime();
    stopping.add(done);
    for (WorkerProcess worker : workers) {
      s.pool.drain(worker.slot);
      s.stopWhenIdle(worker, StopCause.STOPPED);
    }
    finishStopIfIdle();
  }

  /** A worker exited: completes a stop once the last one is gone. */
  void exited() {
    if (s.held) {
      finishStopIfIdle();
    }
  }

  private void finishStopIfIdle() {
    if (!s.running.isEmpty() || stopping.isEmpty()) {
      return;
    }
    if (stoppedWorkers >= 0) {
      s.events.emit(
          Event.APP_STOPPED,
          "app",
          s.appId,
          "workers",
          stoppedWorkers,
          "durationMs",
          (System.nanoTime() - stopStarted) / 1_000_000);
    }
    int count = Math.max(0, stoppedWorkers);
    stoppedWorkers = -1; // reported: a second stop of a stopped app reports nothing new
    stopping.forEach(waiter -> waiter.complete(count));
    stopping.clear();
  }

  /** Starts a stopped app; completes with the start's roll outcome (completed=false if running). */
  void start(CompletableFuture<RollingRestart.Outcome> done) {
    if (!s.held) {
      done.complete(
          new RollingRestart.Outcome(
              false, s.slots.generation(), 0, "app " + s.appId + " is already running"));
      return;
    }
    if (!s.running.isEmpty()) {
      done.complete(
          new RollingRestart.Outcome(
              false, s.slots.generation(), 0, "app " + s.appId + " is still stopping"));
      return;
    }
    s.held = false;
    s.pool.reopen();
    CompletableFuture<RollingRestart.Outcome> rolled = new CompletableFuture<>();
    s.rolls.request("app_start", rolled);
    rolled.whenComplete(
        (outcome, error) ->
            s.spawner.execute(
                () -> {
                  if (outcome != null && outcome.completed()) {
                    s.events.emit(
                        Event.APP_STARTED, "app", s.appId, "generation", outcome.generation());
                  } else if (!s.stopping) {
                    s.held = true;
                    s.pool.close(
                        Reason.WORKER_UNAVAILABLE,
                        "app " + s.appId + " is stopped (its last start failed)");
                  }
                  if (error != null) {
                    done.completeExceptionally(error);
                  } else {
                    done.complete(outcome);
                  }
                }));
  }

  /**
   * Stops every worker for good (the edge is stopping, or the app was removed): refuses queued
   * requests with {@code 503 shutting_down}, sends SIGTERM, then SIGKILL to those still alive after
   * {@code grace}. Blocks up to {@code grace}; called from outside the supervisor's thread, which
   * it shuts down.
   */
  void stopForGood(Duration grace) {
    List<WorkerProcess> workers;
    try {
      workers =
          s.spawner
              .submit(
                  () -> {
                    s.stopping = true;
                    s.pool.close(Reason.SHUTTING_DOWN);
                    List<WorkerProcess> all = List.copyOf(s.running.values());
                    for (WorkerProcess worker : all) {
                      worker.stopping(StopCause.SHUTDOWN);
                      worker.process.destroy();
                    }
                    return all;
                  })
              .get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers = List.copyOf(s.running.values());
    } catch (ExecutionException | TimeoutException e) {
      workers = List.copyOf(s.running.values());
      workers.forEach(worker -> worker.process.destroy());
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (WorkerProcess worker : workers) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!worker.process.waitFor(left, TimeUnit.NANOSECONDS)) {
          s.events.emit(
              Event.WORKER_KILL,
              "app",
              s.appId,
              "worker",
              worker.id(),
              "afterMs",
              grace.toMillis());
          worker.process.destroyForcibly();
          worker.process.waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        worker.process.destroyForcibly();
      }
    }
    s.spawner.shutdownNow();
  }
}
