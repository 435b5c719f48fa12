package dev.edge.worker;

import dev.edge.config.Supervision;
import dev.edge.edgefile.AppDef;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.observe.SequencedRing;
import dev.edge.pool.AppPool;
import dev.edge.pool.PoolListener;
import dev.edge.pool.WorkerSlot;
import dev.edge.worker.WorkerProcess.StopCause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one app at its configured number of READY workers: spawns child JVMs, probes them until
 * READY, health-checks them, recycles them, replaces failed ones with back-off (giving a slot up
 * after too many failures), runs rolling restarts ({@link RollingRestart}) and stops them all.
 *
 * <p>Threads: all supervisor state is confined to one long-lived thread, {@code edge-spawner}
 * (which is also the thread that forks, as a parent-death signal requires). Probe results, process
 * exits and pool notifications hop onto it; nothing here runs on an event loop.
 *
 * <p>State has one writer each: the slots, their restart budgets and the generations are {@link
 * Slots}'s, a worker's stop cause, readiness and health count its {@link WorkerProcess}'s; this
 * class, {@link RollingRestart} and {@link HealthChecks} change them through their methods.
 */
public final class WorkerSupervisor implements PoolListener {

  static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  static final Duration DRAIN_POLL = Duration.ofMillis(20);
  static final Duration UNREACHABLE_GRACE = Duration.ofMillis(200);
  static final int OUTPUT_LINES = 1000;

  final AppDef app;
  final Supervision policy;
  final String appId;
  final AppPool pool;
  final EdgeEvents events;
  private final SocketDirectory sockets;
  private final WorkerFactory factory;
  final ScheduledExecutorService spawner;
  final Map<Long, WorkerProcess> running = new ConcurrentHashMap<>();
  final Slots slots;
  final RollingRestart rolls;
  private final HealthChecks health;
  private final AppSwitch onOff;
  private final SequencedRing<WorkerLine> output = new SequencedRing<>(OUTPUT_LINES);
  volatile boolean stopping;

  /** Stopped through the control API: no worker is started or replaced until it is started. */
  volatile boolean held;

  private volatile AppWatcher watcher;

  /**
   * Creates a supervisor for {@code app}; nothing starts until {@link #start}. {@code edgePolicy}
   * holds the edge-wide supervision settings; the app's health check, restart policy and watch list
   * override the matching ones. Blocking: prepares the demo runtime (file I/O) for the built-in
   * app.
   */
  public WorkerSupervisor(
      AppDef app,
      Supervision edgePolicy,
      Path cacheDir,
      AppPool pool,
      SocketDirectory sockets,
      EdgeEvents events) {
    this.app = app;
    this.policy = AppPolicy.supervision(edgePolicy, app);
    this.appId = app.id();
    this.pool = pool;
    this.sockets = sockets;
    this.events = events;
    this.factory =
        new WorkerFactory(app, policy, sockets, WorkerLaunch.plan(app, cacheDir), output);
    this.spawner = DaemonThreads.single("edge-spawner-" + app.id());
    this.slots = new Slots(app.workers(), policy);
    this.rolls = new RollingRestart(this);
    this.health = new HealthChecks(this);
    this.onOff = new AppSwitch(this);
  }

  /** The app this supervisor runs. */
  public AppDef app() {
    return app;
  }

  /** Its workers now, read on its own thread (for {@code /diagnostics}). */
  public CompletableFuture<List<WorkerRow>> workerTable() {
    return WorkerTable.of(this);
  }

  /** The pool its workers join. */
  public AppPool pool() {
    return pool;
  }

  /**
   * Spawns the app's workers (each joins routing as it becomes READY) and starts watching the app's
   * files for changes, which roll its workers.
   *
   * @throws IOException when a watched path cannot be watched
   */
  public void start() throws IOException {
    watcher = AppWatcher.start(policy.watch(), policy.watchDebounce(), () -> roll("file_change"));
    spawner.execute(
        () -> {
          for (int slot = 0; slot < slots.size(); slot++) {
            fillSlot(slot);
          }
        });
    spawner.scheduleWithFixedDelay(
        health::checkAll,
        policy.healthInterval().toMillis(),
        policy.healthInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Starts a rolling restart (see {@link RollingRestart}); a roll already running finishes first
   * and one more follows. The future completes when this request's roll completed or aborted.
   */
  public CompletableFuture<RollingRestart.Outcome> roll(String trigger) {
    CompletableFuture<RollingRestart.Outcome> done = new CompletableFuture<>();
    spawner.execute(() -> rolls.request(trigger, done));
    return done;
  }

  @Override
  public void unreachable(WorkerSlot slot) {
    // A worker that just died refuses connections before its exit is reported; give the exit a
    // moment so it is recorded as the crash it is, and stop only a worker that is really alive.
    spawner.schedule(
        () -> {
          WorkerProcess worker = running.get(slot.id());
          if (worker != null && worker.stopCause() == null && worker.process.isAlive()) {
            events.emit(Event.WORKER_UNREACHABLE, "app", appId, "worker", slot.id());
            terminate(worker, StopCause.UNREACHABLE);
          }
        },
        UNREACHABLE_GRACE.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void recycleDue(WorkerSlot slot) {
    spawner.execute(() -> health.recycle(slot.id(), "requests"));
  }

  /** A live worker by id, or null. */
  WorkerProcess running(long workerId) {
    return running.get(workerId);
  }

  /** The last lines of output of a running worker, oldest first. */
  public List<String> recentOutput(long workerId, int lines) {
    WorkerProcess worker = running.get(workerId);
    return worker == null ? List.of() : worker.output.tail(lines);
  }

  /** The app's output: the last {@value #OUTPUT_LINES} lines of all its workers, numbered. */
  public SequencedRing<WorkerLine> output() {
    return output;
  }

  /** Whether the app was stopped through the control API (see {@link AppSwitch}). */
  public boolean held() {
    return held;
  }

  /** Stops the app's workers, keeping it configured; completes with how many were stopped. */
  public CompletableFuture<Integer> stopApp() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    spawner.execute(() -> onOff.stop(done));
    return done;
  }

  /** Starts a stopped app; completes once its workers serve, or failed to. */
  public CompletableFuture<RollingRestart.Outcome> startApp() {
    CompletableFuture<RollingRestart.Outcome> done = new CompletableFuture<>();
    spawner.execute(() -> onOff.start(done));
    return done;
  }

  // ---- spawning and readiness -------------------------------------------------------------

  /**
   * Spawns one worker of {@code gen} for slot {@code slotIndex}; {@code onReady} runs on the
   * supervisor thread when it answers its readiness path. Returns null if it could not start.
   */
  WorkerProcess spawn(int slotIndex, long gen, Consumer<WorkerProcess> onReady) {
    WorkerProcess worker;
    try {
      worker = factory.launch(slotIndex, gen);
    } catch (IOException e) {
      events.emit(
          Event.WORKER_EXIT, "app", appId, "slot", slotIndex, "code", -1, "error", e.getMessage());
      return null;
    }
    WorkerSlot slot = worker.slot;
    Process process = worker.process;
    long id = worker.id();
    running.put(id, worker);
    pool.add(slot);
    events.emit(
        Event.WORKER_START,
        "app",
        appId,
        "worker",
        id,
        "pid",
        process.pid(),
        "generation",
        gen,
        "slot",
        slotIndex,
        "address",
        slot.address(),
        "scheduling",
        factory.scheduling());
    worker.probing(
        worker
            .probeOnce(app.healthCheck().path(), PROBE_TIMEOUT)
            .filter(code -> code >= 200 && code < 300)
            .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.delayElements(PROBE_INTERVAL))
            .timeout(app.startTimeout())
            .subscribe(
                code -> spawner.execute(() -> becameReady(worker, onReady)),
                error -> spawner.execute(() -> startTimedOut(worker))));
    process.onExit().thenRun(() -> spawner.execute(() -> exited(worker)));
    return worker;
  }

  private void becameReady(WorkerProcess worker, Consumer<WorkerProcess> onReady) {
    if (worker.stopCause() != null || !worker.process.isAlive()) {
      return;
    }
    worker.markReady();
    events.emit(
        Event.WORKER_READY, "app", appId, "worker", worker.id(), "startMs", worker.ranMillis());
    onReady.accept(worker);
  }

  /** A slot worker of the routed generation is READY: it takes requests now. */
  private void joinSlot(WorkerProcess worker) {
    pool.markReady(worker.slot);
  }

  private void startTimedOut(WorkerProcess worker) {
    if (worker.stopCause() != null || !worker.process.isAlive()) {
      return;
    }
    events.emit(
        Event.WORKER_START_TIMEOUT,
        "app",
        appId,
        "worker",
        worker.id(),
        "timeoutMs",
        app.startTimeout().toMillis(),
        "lastOutput",
        worker.output.tail(20));
    terminate(worker, StopCause.START_TIMEOUT);
  }

  // ---- exits, replacement and the restart budget -------------------------------------------

  private void exited(WorkerProcess worker) {
    running.remove(worker.id());
    worker.release();
    pool.remove(worker.slot);
    deleteSocket(worker.socket);
    int code = worker.process.exitValue();
    StopCause cause = worker.stopCause();
    events.emit(
        Event.WORKER_EXIT,
        "app",
        appId,
        "worker",
        worker.id(),
        "pid",
        worker.process.pid(),
        "code",
        code,
        "ranMs",
        worker.ranMillis(),
        "cause",
        cause == null ? "crash" : cause.name().toLowerCase(java.util.Locale.ROOT),
        "lastOutput",
        cause == null ? worker.output.tail(5) : List.of());
    rolls.exited(worker);
    onOff.exited();
    if (stopping || held || (cause != null && !cause.failure())) {
      return;
    }
    if (slots.holds(worker)) {
      slotFailed(worker.slotIndex, worker.ranMillis());
    }
  }

  /** Starts the slot's worker of the routed generation; a spawn that fails counts as a failure. */
  void fillSlot(int slotIndex) {
    WorkerProcess worker = spawn(slotIndex, slots.generation(), this::joinSlot);
    slots.fill(slotIndex, worker);
    if (worker == null) {
      slotFailed(slotIndex, 0);
    }
  }

  /** Charges a failure to the slot: replace its worker after the back-off, or give the slot up. */
  private void slotFailed(int slotIndex, long ranMillis) {
    RestartBudget budget = slots.budget(slotIndex);
    long delay = budget.onFailure(System.nanoTime(), ranMillis);
    if (delay < 0) {
      pool.abandonedSlots(slots.abandon(slotIndex));
      events.emit(
          Event.WORKER_ABANDON,
          "app",
          appId,
          "slot",
          slotIndex,
          "failures",
          budget.failuresInWindow(),
          "windowMs",
          policy.restartWindow().toMillis());
      return;
    }
    events.emit(
        Event.WORKER_RESTART,
        "app",
        appId,
        "slot",
        slotIndex,
        "attempt",
        budget.failuresInWindow(),
        "backoffMs",
        delay);
    WorkerProcess failed = slots.worker(slotIndex);
    spawner.schedule(() -> replace(slotIndex, failed), delay, TimeUnit.MILLISECONDS);
  }

  /** Starts the replacement unless a roll or a recycle took the slot meanwhile. */
  private void replace(int slotIndex, WorkerProcess failed) {
    if (stopping || held || slots.abandoned(slotIndex) || slots.worker(slotIndex) != failed) {
      return;
    }
    fillSlot(slotIndex);
  }

  // ---- stopping ----------------------------------------------------------------------------

  /** Stops a worker once its in-flight requests finished, or after the drain timeout. */
  void stopWhenIdle(WorkerProcess worker, StopCause cause) {
    worker.stopping(cause);
    long deadline = System.nanoTime() + policy.drainTimeout().toNanos();
    Runnable check =
        new Runnable() {
          @Override
          public void run() {
            if (!worker.process.isAlive()) {
              return;
            }
            if (worker.slot.inflight() == 0 || System.nanoTime() >= deadline) {
              terminate(worker, cause);
            } else {
              spawner.schedule(this, DRAIN_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
          }
        };
    check.run();
  }

  /** SIGTERM now, SIGKILL if still alive after {@link #STOP_GRACE}. */
  void terminate(WorkerProcess worker, StopCause cause) {
    worker.stopping(cause);
    worker.process.destroy();
    spawner.schedule(
        () -> {
          if (worker.process.isAlive()) {
            events.emit(
                Event.WORKER_KILL,
                "app",
                appId,
                "worker",
                worker.id(),
                "afterMs",
                STOP_GRACE.toMillis());
            worker.process.destroyForcibly();
          }
        },
        STOP_GRACE.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Stops every worker: refuses queued requests with {@code 503 shutting_down}, sends SIGTERM, then
   * SIGKILL to those still alive after {@code grace}. Blocks up to {@code grace}.
   */
  public void stop(Duration grace) {
    AppWatcher.closeQuietly(watcher);
    onOff.stopForGood(grace);
    output.close();
  }

  private static void deleteSocket(Path socket) {
    if (socket == null) {
      return;
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // The directory is removed on stop; a leftover file is harmless until then.
    }
  }
}
