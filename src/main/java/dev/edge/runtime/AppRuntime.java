package dev.edge.runtime;

import dev.edge.config.Supervision;
import dev.edge.edgefile.AppDef;
import dev.edge.pool.AppPool;
import dev.edge.pool.PoolListener;
import dev.edge.pool.PoolSnapshot;
import dev.edge.pool.WorkerSlot;
import dev.edge.worker.WorkerSupervisor;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.scheduler.Schedulers;

/**
 * One running app: its pool (scheduler and queue) and the supervisor that keeps its workers. An app
 * runtime outlives the config snapshots that share it: a reload that does not change the app's
 * definition hands the same runtime to the next snapshot.
 */
public final class AppRuntime {

  private static final Duration POLL = Duration.ofMillis(20);

  private final AppDef app;
  private final AppPool pool;
  private final WorkerSupervisor supervisor;

  private AppRuntime(AppDef app, AppPool pool, WorkerSupervisor supervisor) {
    this.app = app;
    this.pool = pool;
    this.supervisor = supervisor;
  }

  /** Builds (but does not start) the runtime of {@code app}. Blocking: may prepare the demo. */
  public static AppRuntime create(AppDef app, Supervision edgePolicy, AppServices services) {
    AtomicReference<WorkerSupervisor> supervisor = new AtomicReference<>();
    AppPool pool =
        new AppPool(
            app.id(),
            app.maxQueue(),
            app.timeouts().queue(),
            Schedulers.parallel(),
            new PoolListener() {
              @Override
              public void unreachable(WorkerSlot worker) {
                supervisor.get().unreachable(worker);
              }

              @Override
              public void recycleDue(WorkerSlot worker) {
                supervisor.get().recycleDue(worker);
              }
            });
    supervisor.set(
        new WorkerSupervisor(
            app, edgePolicy, services.cacheDir(), pool, services.sockets(), services.events()));
    return new AppRuntime(app, pool, supervisor.get());
  }

  /** The app's definition. */
  public AppDef app() {
    return app;
  }

  /** The app's pool. */
  public AppPool pool() {
    return pool;
  }

  /** The app's supervisor (rolling restarts, recent output). */
  public WorkerSupervisor supervisor() {
    return supervisor;
  }

  /** Spawns the workers and starts watching the app's files. */
  public void start() throws IOException {
    supervisor.start();
  }

  /**
   * Waits until every worker is READY. Blocking.
   *
   * @return false when {@code limit} passed first
   */
  public boolean awaitAllReady(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (pool.snapshot().ready() < app.workers()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
    return true;
  }

  /**
   * Takes the app out of service after a reload removed or replaced it: lets queued and in-flight
   * requests finish (up to {@code drain}), then stops the workers ({@code grace} between SIGTERM
   * and SIGKILL). Blocking.
   */
  public void retire(Duration drain, Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + drain.toNanos();
    while (System.nanoTime() < deadline) {
      PoolSnapshot now = pool.snapshot();
      if (now.inflight() == 0 && now.queueDepth() == 0) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    }
    supervisor.stop(grace);
  }

  /**
   * Stops the workers now (edge shutdown, or a stage that failed). Blocking up to {@code grace}.
   */
  public void stop(Duration grace) {
    supervisor.stop(grace);
  }
}
